import { describe, expect, it } from 'vitest';

import { diffDockerfiles } from '../../src/explain/dockerfile-diff.js';
import type { Finding } from '../../src/explain/finding.js';

const kinds = (findings: Finding[]): string[] => findings.map((f) => f.kind);
const only = (before: string, after: string, options?: Parameters<typeof diffDockerfiles>[2]): Finding => {
  const findings = diffDockerfiles(before, after, options);
  expect(findings, findings.map((f) => f.summary).join('\n')).toHaveLength(1);
  return findings[0]!;
};

describe('stages and base images', () => {
  it('says which part of the base image changed', () => {
    expect(only('FROM node:18\n', 'FROM node:20\n').summary).toBe('base image tag changed: node:18 → node:20 (stage 0, line 1)');
    expect(only('FROM node:18\n', 'FROM bitnami/node:18\n').summary).toMatch(/^base image changed: node:18 → bitnami\/node:18/);
    const digest = only('FROM alpine:3.19@sha256:aaa\n', 'FROM alpine:3.19@sha256:bbb\n');
    expect(digest).toMatchObject({ kind: 'base-image', before: 'alpine:3.19@sha256:aaa', after: 'alpine:3.19@sha256:bbb' });
    expect(digest.summary).toMatch(/^base image digest changed/);
  });

  it('treats an implicit :latest as :latest', () => {
    expect(diffDockerfiles('FROM alpine\n', 'FROM alpine:latest\n')).toEqual([]);
  });

  it('substitutes global ARG defaults in FROM and reports the ARG too', () => {
    const findings = diffDockerfiles('ARG V=18\nFROM node:${V}\n', 'ARG V=20\nFROM node:${V}\n');
    expect(kinds(findings)).toEqual(['base-image', 'arg']);
    expect(findings[0]).toMatchObject({ before: 'node:18', after: 'node:20' });
    expect(findings[1]).toMatchObject({ stage: '(global)', before: 'V=18', after: 'V=20' });
  });

  it('matches stages by name, reports added and removed ones, the built stage first', () => {
    const b = 'FROM golang:1.21 AS build\nRUN go build\nFROM alpine AS old\nFROM debian AS final\nCOPY --from=build /out /app\n';
    const a =
      'FROM golang:1.22 AS build\nRUN go build\nFROM debian AS final\nCOPY --from=build /out /app\nUSER app\nFROM scratch AS extra\n';
    const findings = diffDockerfiles(b, a, { targetBefore: 'final', targetAfter: 'final' });
    expect(findings.map((f) => [f.kind, f.stage])).toEqual([
      ['user', 'final'],
      ['base-image', 'build'],
      ['stage-added', 'extra'],
      ['stage-removed', 'old'],
    ]);
  });

  it('reports the stage that is built when it changes', () => {
    const text = 'FROM a AS dev\nFROM b AS prod\n';
    const f = only(text, text, { targetBefore: 'prod', targetAfter: 'dev' });
    expect(f).toMatchObject({ kind: 'target-stage', before: 'prod', after: 'dev' });
    const appended = diffDockerfiles('FROM a\n', 'FROM a\nFROM b\n');
    expect(kinds(appended)).toEqual(['target-stage', 'stage-added']);
    expect(appended[0]!.summary).toBe('the stage that is built changed: stage 0 (the last) → stage 1 (the last)');
  });

  it('matches an unnamed stage that got a name by index', () => {
    expect(diffDockerfiles('FROM a\nRUN x\n', 'FROM a AS base\nRUN x\n')).toEqual([]);
  });

  it('orders findings of other stages after the final one, in Dockerfile order', () => {
    const b = 'FROM a AS one\nENV X=1\nENV Y=1\nFROM b\nENV Z=1\n';
    const a = 'FROM a AS one\nENV Y=2\nENV X=2\nFROM b\nENV Z=2\n';
    expect(diffDockerfiles(b, a).map((f) => `${f.stage}:${f.before}`)).toEqual(['1:Z=1', 'one:Y=1', 'one:X=1']);
  });
});

describe('packages', () => {
  it('reports a version change as one finding', () => {
    const f = only('FROM d\nRUN apt-get install -y nginx=1.22.*\n', 'FROM d\nRUN apt-get install -y nginx=1.24.*\n');
    expect(f).toMatchObject({
      kind: 'package-added',
      before: 'nginx 1.22.*',
      after: 'nginx 1.24.*',
      package: { manager: 'apt', name: 'nginx' },
    });
    expect(f.summary).toBe('apt package nginx version changed: 1.22.* → 1.24.* (stage 0, line 2)');
  });

  it('follows packages moved between RUNs without reporting them', () => {
    const b = 'FROM d\nRUN apk add --no-cache curl git\n';
    const a = 'FROM d\nRUN apk add --no-cache git\nRUN apk add --no-cache curl\n';
    expect(diffDockerfiles(b, a)).toEqual([]);
  });

  it('handles chains, sudo, env prefixes and pip requirement files', () => {
    const b = 'FROM d\nRUN pip install -r requirements.txt\n';
    const a =
      'FROM d\nRUN DEBIAN_FRONTEND=noninteractive sudo apt-get -y install libpq5 ; python -m pip install -r requirements/prod.txt\n';
    const findings = diffDockerfiles(b, a);
    expect(kinds(findings)).toEqual(['package-removed', 'package-added', 'package-added']);
    expect(findings[0]).toMatchObject({ package: { manager: 'pip', name: 'requirements.txt', requirementsFile: true } });
    expect(findings[0]!.summary).toContain('pip requirements file requirements.txt is no longer installed');
    expect(findings[1]).toMatchObject({ package: { manager: 'apt', name: 'libpq5' } });
  });

  it('reads heredoc RUN scripts', () => {
    const b = 'FROM d\nRUN <<EOF\napk add curl\nEOF\n';
    const a = 'FROM d\nRUN <<EOF\nset -e\napk add curl jq\nmkdir -p /data\nEOF\n';
    const findings = diffDockerfiles(b, a);
    expect(findings.map((f) => [f.kind, f.package?.name ?? f.path])).toEqual([
      ['package-added', 'jq'],
      ['directory-created', '/data'],
    ]);
  });
});

describe('CMD and ENTRYPOINT', () => {
  it('says when only the form changed', () => {
    const f = only('FROM d\nCMD nginx -g "daemon off;"\n', 'FROM d\nCMD ["nginx", "-g", "daemon off;"]\n');
    expect(f.kind).toBe('cmd');
    expect(f.summary).toBe(
      'CMD changed (shell form → exec form): nginx -g "daemon off;" → ["nginx", "-g", "daemon off;"] (stage 0, line 2)',
    );
  });

  it('compares the last CMD only and reports a removed ENTRYPOINT', () => {
    expect(diffDockerfiles('FROM d\nCMD a\nCMD b\n', 'FROM d\nCMD b\n')).toEqual([]);
    const f = only('FROM d\nENTRYPOINT ["/entrypoint.sh"]\n', 'FROM d\n');
    expect(f).toMatchObject({ kind: 'entrypoint', before: '["/entrypoint.sh"]', lineBefore: 2 });
    expect(f.after).toBeUndefined();
  });
});

describe('COPY and ADD', () => {
  it('says which source a destination now comes from, relative to WORKDIR', () => {
    const f = only(
      'FROM d\nWORKDIR /app\nCOPY config.prod.yml config.yml\n',
      'FROM d\nWORKDIR /app\nCOPY config.staging.yml ./config.yml\n',
    );
    expect(f).toMatchObject({
      kind: 'copy-source-changed',
      path: '/app/config.yml',
      before: 'config.prod.yml',
      after: 'config.staging.yml',
    });
    expect(f.summary).toBe('/app/config.yml now comes from config.staging.yml instead of config.prod.yml (COPY, stage 0, line 3)');
  });

  it('handles --from, --chown, JSON form and several sources', () => {
    const b =
      'FROM a AS build\nFROM d\nCOPY --from=build /out/app /usr/bin/app\nCOPY ["a.txt", "b.txt", "/docs/"]\nCOPY --chown=1:1 x /x\n';
    const a = 'FROM a AS build\nFROM d\nCOPY --from=build2 /out/app /usr/bin/app\nCOPY a.txt c.txt /docs/\nCOPY --chown=2:2 x /x\n';
    const findings = diffDockerfiles(b, a);
    expect(kinds(findings)).toEqual(['copy-source-changed', 'copy-source-changed', 'copy-source-changed']);
    expect(findings[0]!.summary).toContain('/usr/bin/app now comes from /out/app (from build2) instead of /out/app (from build)');
    expect(findings[1]!.summary).toContain('/docs/ now also gets c.txt, no longer gets b.txt');
    expect(findings[2]!.summary).toContain('flags --chown=1:1 → --chown=2:2');
  });

  it('does not report moved but identical copies', () => {
    expect(diffDockerfiles('FROM d\nCOPY a /a\nCOPY b /b\n', 'FROM d\nCOPY b /b\nCOPY a /a\n')).toEqual([]);
  });

  it('resolves destinations as Docker does: the same copy written two ways is no change', () => {
    const same: [string, string][] = [
      ['FROM d\nWORKDIR /app\nCOPY . .\n', 'FROM d\nWORKDIR /app\nCOPY . /app\n'],
      ['FROM d\nCOPY . /usr/local/searx\n', 'FROM d\nCOPY . /usr/local/searx/\n'],
      ['FROM d\nCOPY src/ /app/src\n', 'FROM d\nCOPY src/ /app/src/\n'],
      ['FROM d\nCOPY requirements.txt /usr/local/searx/requirements.txt\n', 'FROM d\nCOPY requirements.txt /usr/local/searx/\n'],
      ['FROM d\nWORKDIR /app\nCOPY package.json ./\n', 'FROM d\nCOPY package.json /app/package.json\nWORKDIR /app\n'],
      ['FROM d\nCOPY ./start.sh /\n', 'FROM d\nCOPY start.sh /start.sh\n'],
      ['FROM d\nCOPY a.txt b.txt /docs\n', 'FROM d\nCOPY ./a.txt b.txt /docs/\n'],
    ];
    for (const [before, after] of same) expect(diffDockerfiles(before, after), `${before} → ${after}`).toEqual([]);
    // A single source without a trailing slash could be a file: COPY x /y and COPY x /y/ may differ.
    expect(kinds(diffDockerfiles('FROM d\nCOPY bin /opt/tool\n', 'FROM d\nCOPY bin /opt/tool/\n'))).toEqual(['copy-moved']);
  });

  it('reports the same copy put elsewhere as moved, not removed and added', () => {
    const f = only('FROM d\nWORKDIR /app\nCOPY docker/middleware.js ./\n', 'FROM d\nWORKDIR /app\nCOPY docker/middleware.js ./src/\n');
    expect(f).toMatchObject({
      kind: 'copy-moved',
      before: '/app/middleware.js',
      after: '/app/src/middleware.js',
      path: '/app/src/middleware.js',
      lineBefore: 3,
      lineAfter: 3,
    });
    expect(f.summary).toBe(
      'docker/middleware.js now lands in /app/src/middleware.js instead of /app/middleware.js (COPY, stage 0, line 3)',
    );
    const workdirMoved = diffDockerfiles('FROM d\nWORKDIR /srv\nCOPY . .\n', 'FROM d\nWORKDIR /app\nCOPY . .\n');
    expect(workdirMoved.map((f) => f.summary)).toContain('. now lands in /app/ instead of /srv/ (COPY, stage 0, line 3)');
  });

  it('tells different files copied into one directory apart', () => {
    const findings = diffDockerfiles('FROM d\nCOPY common_start.sh /\n', 'FROM d\nCOPY bash_functions.sh /\n');
    expect(findings.map((f) => [f.kind, f.path])).toEqual([
      ['copy-removed', '/common_start.sh'],
      ['copy-added', '/bash_functions.sh'],
    ]);
  });

  it('compares inline heredoc content', () => {
    const f = only('FROM d\nCOPY <<EOT /etc/motd\nhello\nEOT\n', 'FROM d\nCOPY <<EOT /etc/motd\nbye\nEOT\n');
    expect(f.summary).toContain('the inline content copied to /etc/motd changed');
  });
});

describe('directories', () => {
  it('resolves relative mkdir paths against WORKDIR and cd', () => {
    const f = only(
      'FROM d\nWORKDIR /srv\nRUN mkdir cache && cd /opt && mkdir -p x/{a,b}\n',
      'FROM d\nWORKDIR /srv\nRUN cd /opt && mkdir -p x/{a,b}\n',
    );
    expect(f).toMatchObject({ kind: 'directory-no-longer-created', path: '/srv/cache' });
  });

  it('does not report a directory still made by WORKDIR, COPY, VOLUME or a deeper mkdir', () => {
    const b = 'FROM d\nRUN mkdir -p /app /data /etc/app /var/log/app && install -d /run/app\n';
    const a =
      'FROM d\nWORKDIR /app\nVOLUME /data\nCOPY app.conf /etc/app/app.conf\nRUN mkdir -p /var/log/app/nginx\nRUN install -d -m 0755 /run/app\n';
    const findings = diffDockerfiles(b, a);
    expect(findings.map((f) => f.kind)).toEqual(['workdir', 'volume', 'copy-added', 'directory-created']);
    expect(findings[3]).toMatchObject({ path: '/var/log/app/nginx' });
  });
});

describe('users, variables and image configuration', () => {
  it('reports USER and useradd', () => {
    const b = 'FROM d\nRUN useradd -m -u 1000 app\nUSER app\n';
    const a = 'FROM d\nRUN adduser -D -g "" web\nUSER web\n';
    const findings = diffDockerfiles(b, a);
    expect(findings.map((f) => [f.kind, f.before, f.after])).toEqual([
      ['useradd', 'app', undefined],
      ['useradd', undefined, 'web'],
      ['user', 'app', 'web'],
    ]);
  });

  it('reports ENV per key, ARG defaults, EXPOSE per port, VOLUME and WORKDIR', () => {
    const b = 'FROM d\nARG MODE=prod\nENV A=1 B="x y"\nENV LEGACY some value\nEXPOSE 80 443\nVOLUME ["/data"]\nWORKDIR /app\n';
    const a = 'FROM d\nARG MODE=dev\nENV A=2 C=3\nENV LEGACY some value\nEXPOSE 80/tcp 8443\nVOLUME /data /cache\nWORKDIR /srv\n';
    const findings = diffDockerfiles(b, a);
    expect(findings.map((f) => [f.kind, f.before, f.after])).toEqual([
      ['arg', 'MODE=prod', 'MODE=dev'],
      ['env', 'A=1', 'A=2'],
      ['env', 'B=x y', undefined],
      ['env', undefined, 'C=3'],
      ['expose', '443/tcp', undefined],
      ['expose', undefined, '8443/tcp'],
      ['volume', undefined, '/cache'],
      ['workdir', '/app', '/srv'],
    ]);
  });

  it('reports HEALTHCHECK test and option changes', () => {
    const f = only(
      'FROM d\nHEALTHCHECK --interval=2s CMD curl -f http://localhost/ || exit 1\n',
      'FROM d\nHEALTHCHECK --interval=5s --retries=3 CMD ["curl", "-f", "http://localhost/health"]\n',
    );
    expect(f.kind).toBe('healthcheck');
    expect(f.summary).toBe(
      'HEALTHCHECK changed: test curl -f http://localhost/ || exit 1 → ["curl", "-f", "http://localhost/health"]; --interval 2s → 5s; --retries (default) → 3 (stage 0, line 2)',
    );
  });
});

describe('other RUN commands', () => {
  it('reports RUNs not explained by packages or directories, moved ones not', () => {
    const b = 'FROM d\nRUN make build\nRUN echo one\nRUN apt-get update && apt-get install -y a\n';
    const a = 'FROM d\nRUN echo one\nRUN make build && make test\nRUN apt-get update\n';
    const findings = diffDockerfiles(b, a);
    // A RUN whose chain changed is one finding that says what changed inside it.
    expect(findings.map((f) => [f.kind, f.before ?? f.after])).toEqual([
      ['run-changed', 'make build'],
      ['package-removed', 'a'],
      ['run-changed', 'apt-get update && apt-get install -y a'],
    ]);
    expect(findings[0]!.summary).toBe('RUN changed: `make test` added to the chain (stage 0, lines 2 → 3)');
    expect(findings[0]!.commands).toEqual({ added: ['make test'], removed: [] });
    expect(findings[2]!.summary).toBe('RUN changed: `apt-get install -y` removed from it (stage 0, line 4)');
  });

  it('a RUN that gains `&& npm run build` is one change, not a removed and an added RUN', () => {
    const b = 'FROM node:20\nENV NODE_ENV=production\nCOPY . .\nRUN npm install --production\nCMD ["node", "dist/server.js"]\n';
    const a =
      'FROM node:20\nENV NODE_ENV=production\nCOPY . .\nRUN npm install --production && npm run build\nCMD ["node", "dist/server.js"]\n';
    const findings = diffDockerfiles(b, a);
    expect(findings.map((f) => f.summary)).toEqual(['RUN changed: `npm run build` added to the chain (stage 0, line 4)']);
  });

  it('cuts long commands to 100 characters', () => {
    const long = `echo ${'x'.repeat(200)}`;
    const f = only('FROM d\n', `FROM d\nRUN ${long}\n`);
    expect(f.after).toHaveLength(100);
    expect(f.after!.endsWith('…')).toBe(true);
  });

  it('treats exec form RUN and RUN flags', () => {
    const f = only(
      'FROM d\nRUN ["/bin/sh", "-c", "apk add curl"]\n',
      'FROM d\nRUN --mount=type=cache,target=/root/.cache ["/bin/sh", "-c", "apk add curl"]\n',
    );
    expect(f).toMatchObject({ kind: 'run-added', lineBefore: 2, lineAfter: 2 });
    expect(f.summary).toBe(
      'RUN flags changed: (none) → --mount=type=cache,target=/root/.cache for ["/bin/sh","-c","apk add curl"] (stage 0, line 2)',
    );
  });
});

describe('odd Dockerfiles', () => {
  it.each([
    ['', ''],
    ['', 'FROM a\n'],
    ['RUN apt-get install -y x\n', 'RUN apt-get install -y y\n'],
    ['FROM\nCMD\nCOPY\nHEALTHCHECK\nENV\n', 'FROM a AS\nCOPY x\nEXPOSE\nWORKDIR\nUSER\n'],
    ['FROM a\nRUN <<EOF\nunterminated', 'FROM a\nCOPY ["broken json", \n'],
    ['FROM a\nRUN echo "unterminated && apt-get install -y x\n', '\u0000\u0001garbage\n\\\n'],
  ])('does not throw on %j → %j', (b, a) => {
    expect(() => diffDockerfiles(b, a)).not.toThrow();
    expect(() => diffDockerfiles(a, b, { targetBefore: 'nope', targetAfter: 'x' })).not.toThrow();
  });

  it('still reports what it can without FROM', () => {
    const findings = diffDockerfiles('', 'FROM a\nRUN apk add curl\n');
    expect(kinds(findings)).toEqual(['target-stage', 'stage-added']);
  });
});

describe('Dockerfile syntax', () => {
  it('drops comment lines inside continuations and honours the escape directive', () => {
    const b = 'FROM d\nRUN apk add \\\n  # the http client\n  curl \\\n  jq\n';
    const a = '# escape=`\nFROM d\nRUN apk add `\n  curl\n';
    const findings = diffDockerfiles(b, a);
    expect(findings.map((f) => [f.kind, f.package?.name, f.lineBefore])).toEqual([['package-removed', 'jq', 2]]);
  });
});
