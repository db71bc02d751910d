/**
 * One generated history per failure pattern of the catalogue (src/explain/cause/patterns.ts), run
 * end to end through the built CLI on the real engine: the search must name the culprit, and its
 * first likely cause must be the pattern's, linking the change that broke the deployment.
 *
 * Each history is four commits: good, a harmless change, the culprit, another harmless change.
 * `--no-verify` keeps it to two or three evaluations. Containers run with `--network none`, or
 * `--network host` where the pattern needs it (probes go to 127.0.0.1 only).
 *
 * Where this engine lacks what a pattern needs, the history makes a stand-in and says so: pip and
 * python3 as scripts (no registry), two stages as the runtimes of a base image change (one base
 * image, nothing can be pulled), the apt-get stand-in of the base image for a dependency, and a probe
 * run inside the container for a server bound to 127.0.0.1 (no bridge network: from outside, only
 * loopback is probed).
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRepo } from '../fixtures/app-repo.js';
import type { Changes, TestRepo } from '../fixtures/git-repo.js';
import { BASE_IMAGE, requireEngine } from '../helpers/docker-engine.js';
import { runCli } from '../helpers/run-cli.js';

interface PatternCase {
  pattern: string;
  /** The finding kind the first likely cause must link. */
  kind: string;
  /** Other patterns that must be among the likely causes. */
  also?: string[];
  good: Changes;
  culprit: Changes;
  args: string[];
}

const sh = (script: string) => `CMD ["sh", "-c", ${JSON.stringify(script)}]\n`;
const from = `FROM ${BASE_IMAGE}\n`;
const RUNNING = ['--network', 'none', '--probe', 'running:2s'];
const runtimes = (base: string) =>
  `${from.trim()} AS python311\nCOPY python311 /usr/local/bin/python3\n${from.trim()} AS python27\nCOPY python27 /usr/local/bin/python3\n` +
  `FROM ${base}\nCOPY app.py /app/app.py\nCMD ["python3", "/app/app.py"]\n`;
const configured = `${from}COPY app.conf /etc/app.conf\nRUN mkdir -p /www && echo ok > /www/index.html\n${sh('. /etc/app.conf; exec httpd -f -p 127.0.0.1:$port -h /www')}`;
const listener = (host: string) =>
  `${from}ENV HOST=${host}\nRUN mkdir -p /www && echo ok > /www/index.html\n${sh('echo "Listening at: http://$HOST:8000"; exec httpd -f -p $HOST:8000 -h /www')}`;
const PIP = '#!/bin/sh\n[ "$1" = install ] && shift\nfor m in "$@"; do mkdir -p "/usr/lib/python3/site-packages/$m"; done\n';
const PYTHON3 = `#!/bin/sh
[ -d /usr/lib/python3/site-packages/flask ] && exec sleep 60
cat >&2 <<'END'
Traceback (most recent call last):
  File "/app/app.py", line 1, in <module>
    from flask import Flask
ModuleNotFoundError: No module named 'flask'
END
exit 1
`;
const PLUGINS =
  'n=$(ls /bin/bash /usr/sbin/nginx 2>/dev/null | wc -l); dd if=/dev/zero of=/dev/null bs=$((n * 32))M count=1 && exec sleep 60';
/** What Python 2.7 says of an f-string. */
const PY27_ERROR =
  '  File "/app/app.py", line 3\n    print(f"listening on {port}")\n                               ^\nSyntaxError: invalid syntax\n';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function cases(port: number, configPort: number): PatternCase[] {
  const web = (p: number) =>
    `${from}ENV PORT=${p}\nEXPOSE ${p}\nRUN mkdir -p /www && echo ok > /www/index.html\n${sh('exec httpd -f -p 127.0.0.1:$PORT -h /www')}`;
  const lowPort = (user: string) => `${from}RUN mkdir -p /www\n${user}CMD ["httpd", "-f", "-p", "127.0.0.1:981", "-h", "/www"]\n`;
  const writer = (setup: string) => `${from}${setup}${sh('echo start >> /data/app.log && exec sleep 60')}`;
  const tool = 'echo "tool ran"\n';
  return [
    {
      pattern: 'port-moved',
      kind: 'env',
      also: ['port-no-longer-exposed'],
      good: { Dockerfile: web(port) },
      culprit: { Dockerfile: web(port + 1) },
      args: ['--network', 'host', '--probe', `http://127.0.0.1:${port}/`, '--timeout', '4s'],
    },
    {
      pattern: 'port-moved-config',
      kind: 'config-file',
      good: { Dockerfile: configured, 'app.conf': `port=${configPort}\n` },
      culprit: { 'app.conf': `port=${configPort + 1}\n` },
      args: ['--network', 'host', '--probe', `http://127.0.0.1:${configPort}/`, '--timeout', '4s'],
    },
    {
      pattern: 'privileged-port-non-root',
      kind: 'user',
      good: { Dockerfile: lowPort('') },
      culprit: { Dockerfile: lowPort('USER 65534\n') },
      // Host networking keeps the kernel's limit of 1024 (a network of its own lowers it to 0).
      args: ['--network', 'host', '--probe', 'running:2s'],
    },
    {
      pattern: 'permission-user-changed',
      kind: 'user',
      good: { Dockerfile: writer('RUN mkdir -p /data\n') },
      culprit: { Dockerfile: writer('RUN mkdir -p /data\nUSER 65534\n') },
      args: RUNNING,
    },
    {
      pattern: 'permission-chown-removed',
      kind: 'run-changed',
      good: { Dockerfile: writer('RUN mkdir -p /data && chown 65534 /data\nUSER 65534\n') },
      culprit: { Dockerfile: writer('RUN mkdir -p /data\nUSER 65534\n') },
      args: RUNNING,
    },
    {
      pattern: 'missing-path-directory',
      kind: 'directory-no-longer-created',
      good: { Dockerfile: `${from}RUN mkdir -p /app/logs /app/tmp\n${sh('echo up >> /app/logs/app.log && exec sleep 60')}` },
      culprit: { Dockerfile: `${from}RUN mkdir -p /app/tmp\n${sh('echo up >> /app/logs/app.log && exec sleep 60')}` },
      args: RUNNING,
    },
    {
      pattern: 'missing-path-copy',
      kind: 'copy-removed',
      good: {
        Dockerfile: `${from}COPY app.ini /etc/app/app.ini\nCOPY version.txt /etc/app/version.txt\n${sh('cat /etc/app/app.ini && exec sleep 60')}`,
        'app.ini': '[app]\nmode=prod\n',
      },
      culprit: { Dockerfile: `${from}COPY version.txt /etc/app/version.txt\n${sh('cat /etc/app/app.ini && exec sleep 60')}` },
      args: RUNNING,
    },
    {
      pattern: 'command-package-removed',
      kind: 'copy-removed',
      good: {
        Dockerfile: `${from}COPY mytool /usr/local/bin/mytool\n${sh('mytool && exec sleep 60')}`,
        mytool: { content: `#!/bin/sh\n${tool}`, executable: true },
      },
      culprit: { Dockerfile: `${from}${sh('mytool && exec sleep 60')}` },
      args: RUNNING,
    },
    {
      pattern: 'workdir-relative-path',
      kind: 'workdir',
      good: {
        Dockerfile: `${from}COPY run.sh /app/run.sh\nWORKDIR /app\n${sh('./run.sh && exec sleep 60')}`,
        'run.sh': { content: `#!/bin/sh\n${tool}`, executable: true },
      },
      culprit: { Dockerfile: `${from}COPY run.sh /app/run.sh\nWORKDIR /srv\n${sh('./run.sh && exec sleep 60')}` },
      args: RUNNING,
    },
    {
      pattern: 'environment-variable-missing',
      kind: 'env',
      good: {
        Dockerfile: `${from}ENV DATABASE_URL=postgres://db/app\nENV LOG_LEVEL=info\n${sh(': "${DATABASE_URL:?DATABASE_URL must be set}"; exec sleep 60')}`,
      },
      culprit: { Dockerfile: `${from}ENV LOG_LEVEL=info\n${sh(': "${DATABASE_URL:?DATABASE_URL must be set}"; exec sleep 60')}` },
      args: RUNNING,
    },
    {
      pattern: 'healthcheck-changed',
      kind: 'healthcheck',
      good: {
        Dockerfile: `${from}HEALTHCHECK --interval=1s --timeout=1s --retries=1 CMD test -f /tmp/ready\n${sh('touch /tmp/ready && exec sleep 60')}`,
      },
      culprit: {
        Dockerfile: `${from}HEALTHCHECK --interval=1s --timeout=1s --retries=1 CMD test -f /tmp/healthy\n${sh('touch /tmp/ready && exec sleep 60')}`,
      },
      args: ['--network', 'none', '--probe', 'healthcheck', '--timeout', '10s'],
    },
    {
      pattern: 'loopback-only',
      kind: 'env',
      // The probe runs inside the container (its own network): 127.0.0.2 reaches a server on 0.0.0.0, not one on 127.0.0.1.
      good: { Dockerfile: listener('0.0.0.0') },
      culprit: { Dockerfile: listener('127.0.0.1') },
      args: ['--network', 'none', '--probe', 'exec:wget -q -O /dev/null http://127.0.0.2:8000/', '--timeout', '5s'],
    },
    {
      pattern: 'command-path-or-base',
      kind: 'env',
      good: {
        Dockerfile: `${from}COPY mytool /opt/tools/bin/mytool\nENV PATH=/opt/tools/bin:$PATH\n${sh('mytool && exec sleep 60')}`,
        mytool: { content: `#!/bin/sh\n${tool}`, executable: true },
      },
      culprit: { Dockerfile: `${from}COPY mytool /opt/tools/bin/mytool\n${sh('mytool && exec sleep 60')}` },
      args: RUNNING,
    },
    {
      pattern: 'module-package-removed',
      kind: 'package-removed',
      // Stand-ins for pip and python3 (no registry here): pip "installs" a module, python3 imports flask.
      good: {
        Dockerfile: `${from}COPY pip python3 /usr/local/bin/\nRUN pip install flask gunicorn\nCOPY app.py /app/app.py\nCMD ["python3", "/app/app.py"]\n`,
        pip: { content: PIP, executable: true },
        python3: { content: PYTHON3, executable: true },
        'app.py': 'from flask import Flask\n',
      },
      culprit: {
        Dockerfile: `${from}COPY pip python3 /usr/local/bin/\nRUN pip install gunicorn\nCOPY app.py /app/app.py\nCMD ["python3", "/app/app.py"]\n`,
      },
      args: RUNNING,
    },
    {
      pattern: 'out-of-memory-dependency',
      kind: 'package-added',
      // Each installed package's plugin takes 32 MiB at start (the apt-get stand-in has nginx and bash).
      good: { Dockerfile: `${from}RUN apt-get install -y bash\n${sh(PLUGINS)}` },
      culprit: { Dockerfile: `${from}RUN apt-get install -y bash nginx\n${sh(PLUGINS)}` },
      args: [...RUNNING, '--memory', '48m'],
    },
    {
      pattern: 'runtime-version',
      kind: 'base-image',
      // Two runtimes as stages: the culprit bases the app on the old one, which cannot parse it.
      good: {
        Dockerfile: runtimes('python311'),
        python311: { content: '#!/bin/sh\necho "listening on 8000"\nexec sleep 60\n', executable: true },
        python27: { content: `#!/bin/sh\ncat >&2 <<'EOF'\n${PY27_ERROR}EOF\nexit 1\n`, executable: true },
        'app.py': 'port = 8000\n\nprint(f"listening on {port}")\n',
      },
      culprit: { Dockerfile: runtimes('python27') },
      args: RUNNING,
    },
    {
      pattern: 'out-of-memory',
      kind: 'env',
      good: { Dockerfile: `${from}ENV WORKERS=1\n${sh('dd if=/dev/zero of=/dev/null bs=$((WORKERS * 8))M count=1 && exec sleep 60')}` },
      culprit: { Dockerfile: `${from}ENV WORKERS=32\n${sh('dd if=/dev/zero of=/dev/null bs=$((WORKERS * 8))M count=1 && exec sleep 60')}` },
      args: [...RUNNING, '--memory', '64m'],
    },
  ];
}

const all = cases(await freePort(), await freePort());

describe('failure patterns, end to end', () => {
  const repos: TestRepo[] = [];
  const hits: string[] = [];

  beforeAll(async () => {
    await requireEngine();
  });
  afterAll(() => {
    for (const repo of repos) repo.remove();
    console.log(`failure patterns: ${hits.length} of ${all.length} histories linked by their pattern\n${hits.join('\n')}`);
  });

  it.each(all.map((c) => [c.pattern, c] as const))(
    '%s: the likely cause names the change that broke it',
    async (_name, c) => {
      const { repo, shas } = createRepo([
        { subject: 'good', changes: { ...c.good, 'version.txt': '1\n' } },
        { subject: 'harmless', changes: { 'version.txt': '2\n' } },
        { subject: `the culprit (${c.pattern})`, changes: c.culprit },
        { subject: 'harmless again', changes: { 'version.txt': '3\n' } },
      ]);
      repos.push(repo);
      const run = await runCli([shas[0]!, shas[3]!, '--no-verify', '--json', ...c.args], { cwd: repo.dir });
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result.culprit?.sha, `${c.pattern}: ${run.stderr}`).toBe(shas[2]);
      const causes = result.culprit.explanation.likelyCauses as {
        pattern: string;
        certainty: string;
        summary: string;
        finding: { kind: string };
      }[];
      expect(causes.length, `${c.pattern}: ${JSON.stringify(result.culprit.outcome)}`).toBeGreaterThan(0);
      expect([causes[0]!.pattern, causes[0]!.finding.kind], causes[0]!.summary).toEqual([c.pattern, c.kind]);
      for (const other of c.also ?? []) expect(causes.map((cause) => cause.pattern)).toContain(other);
      hits.push(`${c.pattern} (${causes[0]!.certainty}): ${causes[0]!.summary}`);
    },
    120_000,
  );
});
