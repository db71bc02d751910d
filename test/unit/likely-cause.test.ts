import { describe, expect, it } from 'vitest';

import { findClues } from '../../src/explain/cause/evidence-clues.js';
import { findLikelyCauses } from '../../src/explain/cause/likely-cause.js';
import type { Finding } from '../../src/explain/finding.js';

const finding = (f: Partial<Finding> & Pick<Finding, 'kind'>): Finding => ({ stage: '0', instruction: 'RUN', summary: f.kind, ...f });

describe('findClues', () => {
  it.each([
    ["FileNotFoundError: [Errno 2] No such file or directory: '/app/logs/app.log'", '/app/logs/app.log'],
    ["Error: ENOENT: no such file or directory, open '/srv/data/config.json'", '/srv/data/config.json'],
    ["/app/server.sh: line 4: can't create /app/logs/app.log: nonexistent directory", '/app/logs/app.log'],
    ["cat: can't open '/etc/app/app.ini': No such file or directory", '/etc/app/app.ini'],
    ["ls: cannot access '/data': No such file or directory", '/data'],
    ['panic: open /etc/app/config.yaml: no such file or directory', '/etc/app/config.yaml'],
    ['sh: /docker-entrypoint.sh: No such file or directory', '/docker-entrypoint.sh'],
  ])('finds the missing path in %j', (line, path) => {
    expect(findClues([line])).toContainEqual({ kind: 'missing-path', path, line });
  });

  it.each([
    ['sh: supervisord: not found', 'supervisord'],
    ['/start.sh: line 3: supervisord: not found', 'supervisord'],
    ['bash: gunicorn: command not found', 'gunicorn'],
    [
      'container failed to start: OCI runtime create failed: exec: "supervisord": executable file not found in $PATH: unknown',
      'supervisord',
    ],
    ['exec /start.sh: no such file or directory', '/start.sh'],
  ])('finds the missing command in %j', (line, command) => {
    expect(findClues([line])).toContainEqual({ kind: 'missing-command', command, line });
  });

  it('finds missing modules for python and node', () => {
    expect(findClues(["ModuleNotFoundError: No module named 'flask'", "Error: Cannot find module 'express'"])).toEqual([
      { kind: 'missing-module', module: 'flask', ecosystem: 'python', line: "ModuleNotFoundError: No module named 'flask'" },
      { kind: 'missing-module', module: 'express', ecosystem: 'node', line: "Error: Cannot find module 'express'" },
    ]);
  });

  it('prefers the last error printed when several lines point at the same change', () => {
    const lines = [
      "/app/server.sh: line 4: can't create /app/logs/app.log: nonexistent directory",
      "FileNotFoundError: [Errno 2] No such file or directory: '/app/logs/app.log'",
    ];
    const noLogs = finding({ kind: 'directory-no-longer-created', path: '/app/logs', lineBefore: 6 });
    expect(findLikelyCauses([noLogs], lines).map((c) => c.evidence)).toEqual([lines[1]]);
  });

  it('finds nothing in ordinary output, and reports each clue once', () => {
    expect(findClues(['listening on :8080', 'GET /health 200', 'not found: /favicon.ico 404'])).toEqual([]);
    expect(findClues(["No such file or directory: '/a'", "No such file or directory: '/a'"])).toHaveLength(1);
  });
});

describe('findLikelyCauses', () => {
  const noLogs = finding({ kind: 'directory-no-longer-created', path: '/app/logs', instruction: 'RUN', lineBefore: 6 });
  const noSupervisor = finding({ kind: 'package-removed', package: { manager: 'apt', name: 'supervisor' }, lineBefore: 2 });
  const cmd = finding({ kind: 'cmd', instruction: 'CMD', before: '["supervisord"]', after: '["bash", "/start.sh"]' });

  it('links a missing file to the directory the commit stopped creating', () => {
    const causes = findLikelyCauses(
      [cmd, noLogs, noSupervisor],
      ["FileNotFoundError: [Errno 2] No such file or directory: '/app/logs/app.log'"],
    );
    expect(causes).toHaveLength(1);
    expect(causes[0]!.finding).toBe(noLogs);
    expect(causes[0]!.summary).toBe(
      `The output says "FileNotFoundError: [Errno 2] No such file or directory: '/app/logs/app.log'", and this commit stopped creating /app/logs (RUN, line 6 of the previous Dockerfile).`,
    );
  });

  it('links a command not found to the removed package that provides it', () => {
    const causes = findLikelyCauses([noLogs, noSupervisor], ['sh: supervisord: not found']);
    expect(causes.map((c) => c.finding)).toEqual([noSupervisor]);
    expect(causes[0]!.summary).toContain('this commit removed the apt package supervisor');
  });

  it('links a missing module to the removed pip or npm package, not to another ecosystem', () => {
    const flask = finding({ kind: 'package-removed', package: { manager: 'pip', name: 'Flask' } });
    const aptFlask = finding({ kind: 'package-removed', package: { manager: 'apt', name: 'flask' } });
    expect(findLikelyCauses([aptFlask, flask], ["ModuleNotFoundError: No module named 'flask.cli'"]).map((c) => c.finding)).toEqual([
      flask,
    ]);
    const scoped = finding({ kind: 'package-removed', package: { manager: 'npm', name: '@acme/log' } });
    expect(findLikelyCauses([scoped], ["Cannot find module '@acme/log/format'"]).map((c) => c.finding)).toEqual([scoped]);
  });

  it('links a missing file to a COPY the commit removed', () => {
    const copy = finding({ kind: 'copy-removed', instruction: 'COPY', before: 'config/prod.yml', path: '/etc/app/config.yml' });
    expect(findLikelyCauses([copy], ['open /etc/app/config.yml: no such file or directory']).map((c) => c.finding)).toEqual([copy]);
  });

  it('claims nothing the evidence does not support', () => {
    // A missing path elsewhere, a different command, a directory merely sharing a prefix.
    expect(findLikelyCauses([noLogs, noSupervisor], ["No such file or directory: '/app/logsarchive/x'", 'sh: nginx: not found'])).toEqual(
      [],
    );
    expect(findLikelyCauses([noLogs], [])).toEqual([]);
    expect(findLikelyCauses([], ["No such file or directory: '/app/logs/app.log'"])).toEqual([]);
  });
});
