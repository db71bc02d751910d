/**
 * The catalogue of failure patterns (src/explain/cause/patterns.ts), one case per pattern: a real
 * Dockerfile change (diffed as `explain` does) and real output of the failure it causes
 * (test/fixtures/failure-output: Node 20, Python 3.11, Go, OpenJDK 17, nginx 1.22, BusyBox and the
 * engine, captured here), or our own probes' wording. The likely cause must name the change,
 * with the pattern and how sure it is; unrelated changes must not be linked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { configPortFindings } from '../../src/explain/cause/config-ports.js';
import { findLikelyCauses, unexplainedEvidence } from '../../src/explain/cause/likely-cause.js';
import { FAILURE_PATTERNS } from '../../src/explain/cause/patterns.js';
import { diffDockerfiles } from '../../src/explain/dockerfile-diff.js';

const output = (name: string) =>
  readFileSync(join(import.meta.dirname, '../fixtures/failure-output', `${name}.out`), 'utf8')
    .replace(/\n$/, '')
    .split('\n');

/** The likely causes of a Dockerfile change given the failing output: [pattern, certainty, finding summary]. */
function causes(before: string, after: string, evidence: string[]): [string | undefined, string | undefined, string][] {
  return findLikelyCauses(diffDockerfiles(before, after), evidence).map((c) => [c.pattern, c.certainty, c.finding.summary]);
}

const node = (lines: string) => `FROM node:20-alpine\nWORKDIR /app\nCOPY . .\n${lines}CMD ["node", "server.js"]\n`;
const python = (lines: string, cmd = '["python3", "app.py"]') => `FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n${lines}CMD ${cmd}\n`;

describe('the catalogue of failure patterns', () => {
  it('is data: each pattern names its evidence, the finding kinds it links and how sure it is, and ids are unique', () => {
    const ids = FAILURE_PATTERNS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of FAILURE_PATTERNS) {
      expect(p.links.length, p.id).toBeGreaterThan(0);
      expect(['strong', 'likely', 'possible']).toContain(p.certainty);
      expect(p.title.length, p.id).toBeGreaterThan(10);
    }
    expect(new Set(FAILURE_PATTERNS.map((p) => p.family))).toEqual(
      new Set(['ports', 'permissions', 'missing things', 'environment', 'runtime', 'health', 'memory', 'dependencies', 'deployment']),
    );
  });
});

describe('ports', () => {
  it('a port the probe uses, moved by ENV', () => {
    const found = causes(node('ENV HTTP_PORT=80\n'), node('ENV HTTP_PORT=8080\n'), ['http connection refused on / (http://127.0.0.1:80/)']);
    expect(found).toEqual([['port-moved', 'strong', 'ENV HTTP_PORT changed: 80 → 8080 (stage 0, line 4)']]);
    const [cause] = findLikelyCauses(diffDockerfiles(node('ENV HTTP_PORT=80\n'), node('ENV HTTP_PORT=8080\n')), [
      'http connection refused on / (http://127.0.0.1:80/)',
    ]);
    expect(cause!.summary).toBe(
      'The output says "http connection refused on / (http://127.0.0.1:80/)", and this commit changed ENV HTTP_PORT from port 80, now 8080 (ENV, line 4).',
    );
  });

  it('a port the probe uses, moved by CMD flags; one merely no longer exposed is less sure', () => {
    const gunicorn = (port: number) => python(`EXPOSE ${port}\n`, `["gunicorn", "-b", "0.0.0.0:${port}", "app:app"]`);
    expect(causes(gunicorn(8000), gunicorn(9000), ['tcp connection refused on port 8000'])).toEqual([
      [
        'port-moved',
        'strong',
        'CMD changed: ["gunicorn", "-b", "0.0.0.0:8000", "app:app"] → ["gunicorn", "-b", "0.0.0.0:9000", "app:app"] (stage 0, line 5)',
      ],
      ['port-no-longer-exposed', 'likely', 'port 8000/tcp is no longer exposed (stage 0, line 4)'],
    ]);
    // The probe's port did not change: nothing to link.
    expect(causes(gunicorn(8000), gunicorn(9000), ['tcp connection refused on port 5432'])).toEqual([]);
  });

  it('a port the probe uses, moved in a configuration file sent to the builder (not the Dockerfile: the findings have it)', () => {
    const diff = (path: string, lines: string) => `--- a/${path}\n+++ b/${path}\n@@ -1,3 +1,3 @@\n${lines}`;
    const files = [
      {
        path: 'README.md',
        status: 'M',
        added: 1,
        deleted: 1,
        binary: false,
        diff: diff('README.md', '-Runs on port 80\n+Runs on port 8080\n'),
      },
      {
        path: 'nginx/app.conf',
        status: 'M',
        added: 1,
        deleted: 1,
        binary: false,
        diff: diff('nginx/app.conf', ' server {\n-    listen 80;\n+    listen 8080;\n'),
      },
      { path: 'Dockerfile', status: 'M', added: 1, deleted: 1, binary: false, diff: diff('Dockerfile', '-EXPOSE 80\n+EXPOSE 8080\n') },
    ] as const;
    const findings = configPortFindings(files, 'Dockerfile');
    // Not the README (prose), not the Dockerfile (its findings have the EXPOSE).
    expect(findings.map((f) => [f.kind, f.path, f.before, f.after])).toEqual([
      ['config-file', 'nginx/app.conf', 'listen 80;', 'listen 8080;'],
    ]);
    const found = findLikelyCauses(findings, ['http connection refused on / (http://127.0.0.1:80/)']);
    expect(found.map((c) => [c.pattern, c.certainty])).toEqual([['port-moved-config', 'likely']]);
    expect(found[0]!.summary).toBe(
      'The output says "http connection refused on / (http://127.0.0.1:80/)", and this commit changed port 80 in nginx/app.conf ("listen 80;" → "listen 8080;").',
    );
    expect(findLikelyCauses(findings, ['tcp connection refused on port 5432'])).toEqual([]);
  });

  it('a server listening on 127.0.0.1 only, by CMD or by a removed ENV', () => {
    const evidence = output('python-http-server-loopback');
    expect(
      causes(
        python('', '["python3", "-m", "http.server", "8000"]'),
        python('', '["python3", "-m", "http.server", "--bind", "127.0.0.1", "8000"]'),
        evidence,
      ),
    ).toEqual([['loopback-only', 'strong', expect.stringMatching(/^CMD changed: /)]]);
    expect(causes(node('ENV HOSTNAME=0.0.0.0\n'), node(''), ['Listening at: http://127.0.0.1:8000 (1)'])).toEqual([
      ['loopback-only', 'strong', 'ENV HOSTNAME is no longer set (was 0.0.0.0) (stage 0, line 4)'],
    ]);
  });
});

describe('permissions', () => {
  it.each([
    ['node-eacces-listen80', 'port 80 (below 1024)'],
    ['nginx-bind80-nonroot', 'port 80 (below 1024)'],
    ['go-listen-80-nonroot', 'port 80 (below 1024)'],
    ['busybox-httpd-bind-nonroot', 'a port below 1024'],
  ])('%s: a privileged port under a user the commit made non-root', (name, what) => {
    const found = findLikelyCauses(diffDockerfiles(node('ENV PORT=80\n'), node('ENV PORT=80\nUSER 1000\n')), output(name));
    expect(found.map((c) => [c.pattern, c.certainty, c.finding.kind])).toEqual([['privileged-port-non-root', 'strong', 'user']]);
    expect(found[0]!.summary).toContain(`this commit made the image run as 1000, and a non-root user cannot bind ${what}`);
  });

  it('permission denied writing after a USER change (Node, Python)', () => {
    for (const name of ['node-eacces-write', 'python-permissionerror-write']) {
      const found = causes(python('RUN mkdir -p /app/logs\n'), python('RUN mkdir -p /app/logs\nUSER app\n'), output(name));
      expect(found, name).toEqual([['permission-user-changed', 'likely', expect.stringMatching(/^USER /)]]);
    }
  });

  it('permission denied after a chown the commit removed', () => {
    const found = causes(
      python('RUN mkdir -p /app/data && chown -R app /app/data\nUSER app\n'),
      python('RUN mkdir -p /app/data\nUSER app\n'),
      output('python-permissionerror-write'),
    );
    expect(found.map(([p, c]) => [p, c])).toEqual([['permission-chown-removed', 'likely']]);
  });

  it('permission denied after COPY lost its --chown; a --chown added is no such cause', () => {
    const copy = (flags: string) => python(`COPY ${flags}data/ /app/data/\nUSER app\n`);
    expect(causes(copy('--chown=app:app '), copy(''), output('python-permissionerror-write')).map(([p]) => p)).toEqual([
      'permission-chown-removed',
    ]);
    expect(causes(copy(''), copy('--chown=app:app '), output('python-permissionerror-write'))).toEqual([]);
  });
});

describe('missing things', () => {
  it('a script missing after a WORKDIR change (relative path, or under the old WORKDIR)', () => {
    const moved = (dir: string) => `FROM python:3.11-slim\nWORKDIR ${dir}\nCMD ["python3", "/app/main.py"]\n`;
    expect(causes(moved('/app\nCOPY . .'), moved('/srv\nCOPY . .'), output('python-missing-script'))).toEqual([
      ['missing-path-copy', 'strong', '. now lands in /srv/ instead of /app/ (COPY, stage 0, line 3)'],
      ['workdir-relative-path', 'likely', 'WORKDIR changed: /app → /srv (stage 0, line 2)'],
    ]);
    const relative = (dir: string) => `FROM busybox\nCOPY run.sh /app/run.sh\nWORKDIR ${dir}\nCMD ["./run.sh"]\n`;
    expect(causes(relative('/app'), relative('/srv'), output('engine-workdir-missing-cmd'))).toEqual([
      ['workdir-relative-path', 'likely', 'WORKDIR changed: /app → /srv (stage 0, line 3)'],
    ]);
  });

  it('a command not found after its package was removed; after a PATH change, less sure', () => {
    expect(causes('FROM debian\nRUN apt-get install -y supervisor\n', 'FROM debian\n', ['/bin/sh: 1: supervisord: not found'])).toEqual([
      ['command-package-removed', 'strong', expect.stringContaining('supervisor is no longer installed')],
    ]);
    expect(causes('FROM debian\nENV PATH=/opt/venv/bin:$PATH\n', 'FROM debian\n', ['bash: line 1: gunicorn: command not found'])).toEqual([
      ['command-path-or-base', 'possible', expect.stringContaining('ENV PATH is no longer set')],
    ]);
  });

  it('a module not found after its package was removed', () => {
    expect(causes(python('RUN pip install flask\n'), python(''), output('python-modulenotfound'))).toEqual([
      ['module-package-removed', 'strong', expect.stringContaining('flask')],
    ]);
  });
});

describe('environment', () => {
  it.each([['python-keyerror-environ'], ['node-missing-env-throw'], ['go-panic-string']])(
    '%s: a required variable the commit removed',
    (name) => {
      const found = causes(node('ENV DATABASE_URL=postgres://db/app\nENV LOG_LEVEL=info\n'), node('ENV LOG_LEVEL=info\n'), output(name));
      expect(found).toEqual([['environment-variable-missing', 'strong', expect.stringContaining('ENV DATABASE_URL is no longer set')]]);
    },
  );

  it('a renamed variable: the old name is the one the app asks for', () => {
    const found = causes(
      node('ENV DATABASE_URL=postgres://db/app\n'),
      node('ENV DB_URL=postgres://db/app\n'),
      output('python-keyerror-environ'),
    );
    expect(found.map(([p]) => p)).toEqual(['environment-variable-missing']);
  });
});

describe('runtime, health and memory', () => {
  it('a runtime version error after a base image change', () => {
    expect(
      causes('FROM node:20-alpine\nCMD ["node", "server.js"]\n', 'FROM node:12-alpine\nCMD ["node", "server.js"]\n', [
        "SyntaxError: Unexpected token '?'",
      ]),
    ).toEqual([['runtime-version', 'likely', 'base image tag changed: node:20-alpine → node:12-alpine (stage 0, line 1)']]);
  });

  it('a changed HEALTHCHECK that fails', () => {
    const hc = (path: string) => node(`HEALTHCHECK --interval=5s CMD wget -qO- http://127.0.0.1:3000${path} || exit 1\n`);
    expect(causes(hc('/health'), hc('/healthz'), ['healthcheck unhealthy'])).toEqual([
      ['healthcheck-changed', 'likely', expect.stringMatching(/^HEALTHCHECK changed: /)],
    ]);
  });

  it.each([
    ['node-heap-oom', 'NODE_OPTIONS=--max-old-space-size=512', 'NODE_OPTIONS=--max-old-space-size=64'],
    ['java-oom-heap', 'JAVA_OPTS=-Xmx512m', 'JAVA_OPTS=-Xmx32m'],
  ])('%s: out of memory after a memory setting changed', (name, before, after) => {
    expect(causes(node(`ENV ${before}\n`), node(`ENV ${after}\n`), output(name))).toEqual([
      ['out-of-memory', 'likely', expect.stringMatching(/^ENV (NODE_OPTIONS|JAVA_OPTS) changed: /)],
    ]);
    const [key, old] = before.split(/=(.*)/);
    const summary = findLikelyCauses(diffDockerfiles(node(`ENV ${before}\n`), node(`ENV ${after}\n`)), output(name))[0]!.summary;
    expect(summary).toContain(`this commit changed ENV ${key}: ${old} → ${after.split(/=(.*)/)[1]} (ENV, line 4).`);
  });

  it('an OOM kill after a dependency was added, less sure', () => {
    expect(
      causes(python('RUN pip install flask\n'), python('RUN pip install flask pandas\n'), ['OOM killed (memory limit 64 MiB)']),
    ).toEqual([['out-of-memory-dependency', 'possible', expect.stringContaining('pandas')]]);
  });
});

describe('when nothing links', () => {
  it('says which line of output no change explains, rather than guessing', () => {
    const findings = diffDockerfiles(node('ENV LOG_LEVEL=info\n'), node('ENV LOG_LEVEL=debug\n'));
    const evidence = output('node-eacces-listen80');
    expect(findLikelyCauses(findings, evidence)).toEqual([]);
    expect(unexplainedEvidence(findings, evidence)?.line).toBe('Error: listen EACCES: permission denied 0.0.0.0:80');
    expect(unexplainedEvidence(findings, ['listening on :3000'])).toBeUndefined();
  });
});
