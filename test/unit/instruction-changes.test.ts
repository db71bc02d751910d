import { describe, expect, it } from 'vitest';

import { storyDockerfile } from '../../src/demo/story-files.js';
import { instructionChanges, instructionSpans, wordsThatDiffer } from '../../src/explain/dockerfile/instruction-changes.js';
import { applyEdits } from '../../src/git/line-edits.js';

const parent = storyDockerfile({ baseImage: 'busybox', phase: 'supervised', config: true });
const culprit = storyDockerfile({ baseImage: 'busybox', phase: 'start-script' });

describe('a Dockerfile change split into instructions', () => {
  it("the story's culprit: the package, the mkdir, the COPY and the CMD, each its own change", () => {
    const changes = instructionChanges(parent, culprit);
    expect(changes.map((c) => c.summary)).toEqual([
      'RUN changed (line 4): … supervisor … → … bash …',
      'RUN changed (line 6): "/app/logs" removed',
      'COPY changed (line 10): supervisord.conf /etc/supervisor/conf.d/app.conf → start.sh /start.sh',
      'CMD changed (line 12): ["supervisord", "-c", "/etc/supervisor/conf.d/app.conf"] → ["bash", "/start.sh"]',
    ]);
    expect(changes[0]!.before.map((s) => [s.keyword, s.start, s.end])).toEqual([['RUN', 1, 5]]);
    expect(
      applyEdits(
        parent,
        changes.map((c) => c.edit),
      ),
    ).toBe(culprit);
  });

  it('cuts an edit that replaces whole instructions into one change per instruction, and keeps any subset applicable', () => {
    const before = 'FROM a\nENV A=1\nENV B=2\nCMD ["x"]\n';
    const after = 'FROM a\nENV A=10\nENV B=20\nCMD ["x"]\n';
    const changes = instructionChanges(before, after);
    expect(changes.map((c) => c.line)).toEqual([2, 3]);
    expect(applyEdits(before, [changes[1]!.edit])).toBe('FROM a\nENV A=1\nENV B=20\nCMD ["x"]\n');
  });

  it('one change for edits inside one continued instruction; additions and removals named', () => {
    const before = 'FROM a\nRUN one \\\n  two \\\n  three\nUSER app\n';
    const after = 'FROM a\nRUN ONE \\\n  two \\\n  THREE\nEXPOSE 80\n';
    const changes = instructionChanges(before, after);
    expect(changes).toHaveLength(2);
    expect(changes[0]!.edit).toEqual({ start: 1, removed: 3, added: ['RUN ONE \\\n', '  two \\\n', '  THREE\n'] });
    expect(changes[1]!.summary).toBe('USER replaced by EXPOSE (line 5): USER app → EXPOSE 80');
    const added = instructionChanges('FROM a\nCMD x\n', 'FROM a\nRUN y\nRUN z\nCMD x\n');
    expect(added.map((c) => c.summary)).toEqual(['RUN added (before line 2): RUN y', 'RUN added (before line 2): RUN z']);
    expect(applyEdits('FROM a\nCMD x\n', [added[1]!.edit])).toBe('FROM a\nRUN z\nCMD x\n');
  });

  it('spans cover continuation lines', () => {
    expect(instructionSpans('FROM a\nRUN a \\\n b\n').map((s) => [s.keyword, s.start, s.end, s.text])).toEqual([
      ['FROM', 0, 1, 'FROM a'],
      ['RUN', 1, 3, 'RUN a b'],
    ]);
    expect(wordsThatDiffer('a b c', 'a x c')).toEqual(['… b …', '… x …']);
    expect(wordsThatDiffer('a b c', 'a c')).toEqual(['"b"', '']);
  });
});
