/** What `clean` plans from the objects the engines listed, and how it says so (src/session/clean-plan.ts, src/cli/render/clean.ts). */
import { describe, expect, it } from 'vitest';

import { cleanJson, cleanSummary, countsText, renderCleanList } from '../../src/cli/render/clean.js';
import type { LabelledObject } from '../../src/docker/labelled-objects.js';
import { planClean } from '../../src/session/clean-plan.js';
import { usageMessage } from '../helpers/expect-usage-error.js';
import { settingsFor } from '../helpers/settings.js';

const NOW = Date.parse('2026-12-05T20:00:00Z');
const HOUR = 3_600_000;
const at = (hoursAgo: number) => NOW - hoursAgo * HOUR;
const object = (kind: LabelledObject['kind'], sessionId: string, hoursAgo?: number, id = `${kind}-${sessionId}`): LabelledObject => ({
  kind,
  id,
  sessionId,
  ...(hoursAgo !== undefined ? { createdMs: at(hoursAgo) } : {}),
});

const A = 'aaaaaaaa';
const B = 'bbbbbbbb';
const C = 'cccccccc';
const ONE = 'unix:///one.sock';
const TWO = 'tcp://two:2375';

const found = [
  {
    endpoint: ONE,
    objects: [
      // A: a fresh container, but an image built 30 h ago: A is 30 h old.
      { ...object('container', A, 0.1), running: true as const },
      object('image', A, 30),
      object('image', B, 2),
      object('network', B, 2),
      object('volume', C),
    ],
  },
  { endpoint: TWO, objects: [object('image', A, 5, 'image-a-2'), object('volume', B, 1)] },
];

describe('planClean', () => {
  it('groups by session across engines, oldest first, a session as old as its oldest object', () => {
    const plan = planClean(found, { nowMs: NOW });
    expect(plan.remove.map((g) => [g.sessionId, g.ageMs])).toEqual([
      [A, 30 * HOUR],
      [B, 2 * HOUR],
      [C, undefined],
    ]);
    expect(plan.remove[0]).toEqual({
      sessionId: A,
      createdMs: at(30),
      ageMs: 30 * HOUR,
      running: 1,
      counts: { containers: 1, images: 2, networks: 0, volumes: 0 },
      engines: [
        { endpoint: ONE, counts: { containers: 1, images: 1, networks: 0, volumes: 0 } },
        { endpoint: TWO, counts: { containers: 0, images: 1, networks: 0, volumes: 0 } },
      ],
    });
    expect(plan.keep).toEqual([]);
    expect(plan.counts).toEqual({ containers: 1, images: 3, networks: 1, volumes: 2 });
  });

  it('--older-than keeps the younger sessions, and those whose age no engine says', () => {
    const plan = planClean(found, { nowMs: NOW, olderThanMs: 24 * HOUR });
    expect(plan.remove.map((g) => g.sessionId)).toEqual([A]);
    expect(plan.keep.map((g) => g.sessionId)).toEqual([B, C]);
    expect(plan.counts).toEqual({ containers: 1, images: 2, networks: 0, volumes: 0 });
    // Exactly as old as the limit: removed.
    expect(planClean(found, { nowMs: NOW, olderThanMs: 2 * HOUR }).remove.map((g) => g.sessionId)).toEqual([A, B]);
  });

  it('finds nothing on engines with nothing labelled', () => {
    expect(planClean([{ endpoint: ONE, objects: [] }], { nowMs: NOW })).toEqual({
      remove: [],
      keep: [],
      counts: { containers: 0, images: 0, networks: 0, volumes: 0 },
    });
  });
});

describe("clean's output", () => {
  const plan = planClean(found, { nowMs: NOW, olderThanMs: 24 * HOUR });

  it('counts in words, leaving out the kinds with none', () => {
    expect(countsText({ containers: 1, images: 2, networks: 0, volumes: 0 })).toBe('1 container and 2 images');
    expect(countsText({ containers: 0, images: 0, networks: 1, volumes: 3 })).toBe('1 network and 3 volumes');
    expect(countsText({ containers: 2, images: 1, networks: 1, volumes: 1 })).toBe('2 containers, 1 image, 1 network and 1 volume');
    expect(countsText({ containers: 0, images: 0, networks: 0, volumes: 0 })).toBe('nothing');
  });

  it('lists each session with its age and what it holds, per engine when on several, and marks the kept ones', () => {
    expect(renderCleanList(plan, [ONE, TWO], '1d').split('\n')).toEqual([
      `3 sessions left by deploybisect on ${ONE}, ${TWO}:`,
      `  ${A}  1d06h old   1 container and 2 images (1 running)`,
      `      ${ONE}: 1 container and 1 image`,
      `      ${TWO}: 1 image`,
      `  ${B}  2h00m old   1 image, 1 network and 1 volume  (kept: newer than --older-than 1d)`,
      `      ${ONE}: 1 image and 1 network`,
      `      ${TWO}: 1 volume`,
      `  ${C}  age unknown 1 volume  (kept: newer than --older-than 1d)`,
    ]);
    expect(renderCleanList(planClean([], { nowMs: NOW }), [ONE])).toBe(`nothing labelled deploybisect.session on ${ONE}`);
  });

  it('ends with what was removed, what could not be, or that nothing was', () => {
    const all = plan.counts;
    expect(cleanSummary('removed', plan, all)).toBe('removed 1 container and 2 images of 1 session');
    expect(cleanSummary('removed', plan, { ...all, images: 1 })).toBe(
      'removed 1 container and 1 image of 1 session; 1 image could not be removed',
    );
    expect(cleanSummary('dry-run', plan, { containers: 0, images: 0, networks: 0, volumes: 0 })).toBe(
      'dry run: would remove 1 container and 2 images of 1 session; nothing removed',
    );
    expect(cleanSummary('declined', plan, { containers: 0, images: 0, networks: 0, volumes: 0 })).toBe('nothing removed');
    expect(cleanSummary('removed', planClean([], { nowMs: NOW }), all)).toBe('nothing to remove');
  });

  it('gives machines a status, what was removed, and the sessions removed and kept', () => {
    const json = JSON.parse(JSON.stringify(cleanJson('removed', plan, plan.counts)));
    expect(json).toMatchObject({ status: 'removed', containers: 1, images: 2, networks: 0, volumes: 0 });
    expect(json.sessions).toEqual([
      {
        sessionId: A,
        createdAt: '2026-12-04T14:00:00.000Z',
        ageMs: 30 * HOUR,
        running: 1,
        containers: 1,
        images: 2,
        networks: 0,
        volumes: 0,
        engines: [
          { endpoint: ONE, containers: 1, images: 1, networks: 0, volumes: 0 },
          { endpoint: TWO, containers: 0, images: 1, networks: 0, volumes: 0 },
        ],
      },
    ]);
    expect(json.kept.map((s: { sessionId: string }) => s.sessionId)).toEqual([B, C]);
    expect(json.kept[1]).not.toHaveProperty('createdAt');
  });
});

describe("clean's options", () => {
  it('--session and --all exclude each other; --older-than takes days', () => {
    expect(usageMessage(() => settingsFor('.', { all: true, session: 'abcdef01' }, 'clean'))).toBe(
      '--session and --all exclude each other: --session cleans one run, --all every one',
    );
    expect(settingsFor('.', { olderThan: '7d' }, 'clean').olderThan).toBe(7 * 86_400_000);
    expect(settingsFor('.', {}, 'clean')).toMatchObject({ all: false, dryRun: false, olderThan: undefined });
    expect(usageMessage(() => settingsFor('.', { olderThan: '0s' }, 'clean'))).toBe('--older-than must be longer than 0');
  });
});
