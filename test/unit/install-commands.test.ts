import { describe, expect, it } from 'vitest';

import { extractPackages } from '../../src/explain/dockerfile/install-commands.js';
import { shellCommands } from '../../src/explain/dockerfile/shell-commands.js';
import { splitShellWords } from '../../src/explain/dockerfile/shell-words.js';

const names = (command: string): string[] =>
  extractPackages(command).map((p) => `${p.manager}:${p.name}${p.version === undefined ? '' : `@${p.version}`}`);

describe('splitShellWords', () => {
  it('splits chains on && || ; | & and newlines', () => {
    expect(splitShellWords('a 1 && b 2 || c; d | e & f\ng')).toEqual([['a', '1'], ['b', '2'], ['c'], ['d'], ['e'], ['f'], ['g']]);
  });
  it('does not split inside quotes and removes them', () => {
    expect(splitShellWords(`echo 'a && b' "c; d" e\\ f`)).toEqual([['echo', 'a && b', 'c; d', 'e f']]);
  });
  it('joins backslash continuations and drops comments and redirections', () => {
    expect(splitShellWords('apt-get install \\\n  curl # the client\n echo x > /tmp/f 2>&1')).toEqual([
      ['apt-get', 'install', 'curl'],
      ['echo', 'x'],
    ]);
  });
  it('keeps command substitutions inside their word', () => {
    expect(splitShellWords('echo "$(uname -m && id)" `a;b` x')).toEqual([['echo', '$(uname -m && id)', '`a;b`', 'x']]);
  });
});

describe('shellCommands', () => {
  it('unwraps sudo, env, assignments, reserved words and sh -c', () => {
    expect(shellCommands(`sudo -E env FOO=1 DEBIAN_FRONTEND=noninteractive apt-get install -y x`)).toEqual([
      ['apt-get', 'install', '-y', 'x'],
    ]);
    expect(shellCommands(`if true; then apk add y; fi`)).toEqual([['true'], ['apk', 'add', 'y']]);
    expect(shellCommands(`sh -ec "apt-get update && apt-get install -y z"`)).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', 'z'],
    ]);
  });
});

describe('extractPackages', () => {
  it.each<[string, string[]]>([
    [
      'apt-get update && apt-get install -y --no-install-recommends \\\n      nginx \\\n      supervisor \\\n    && rm -rf /var/lib/apt/lists/*',
      ['apt:nginx', 'apt:supervisor'],
    ],
    ['DEBIAN_FRONTEND=noninteractive apt-get install -yq curl ca-certificates', ['apt:curl', 'apt:ca-certificates']],
    ['apt-get -o Dpkg::Options::="--force-confold" -y install tzdata', ['apt:tzdata']],
    ['apt-get install -y -t bookworm-backports linux-image-amd64', ['apt:linux-image-amd64']],
    ['apt-get install -y nginx=1.22.* libssl3=3.0.11-1~deb12u2', ['apt:nginx@1.22.*', 'apt:libssl3@3.0.11-1~deb12u2']],
    ['apt install -y git/bookworm-backports', ['apt:git@bookworm-backports']],
    ['sudo apt-get install -y build-essential', ['apt:build-essential']],
    ['apt-get update; apt-get install -y a || true', ['apt:a']],
    ['apt-get remove -y nginx && apt-get purge x', []],
    ['apk add --no-cache --virtual .build-deps gcc musl-dev && apk del .build-deps', ['apk:gcc', 'apk:musl-dev']],
    ['apk --update add curl=8.5.0-r0 bash~5.2', ['apk:curl@8.5.0-r0', 'apk:bash@~5.2']],
    ['apk add -t .deps -X http://dl-cdn.alpinelinux.org/alpine/edge/testing foo', ['apk:foo']],
    ['yum -y install httpd && yum clean all', ['yum:httpd']],
    ['dnf install -y --setopt=install_weak_deps=False --enablerepo crb python3-devel', ['dnf:python3-devel']],
    ['microdnf install -y --nodocs shadow-utils && microdnf clean all', ['microdnf:shadow-utils']],
    [
      'pip install --no-cache-dir flask==2.0 "gunicorn>=20,<22" Flask_Login',
      ['pip:flask@==2.0', 'pip:gunicorn@>=20,<22', 'pip:flask-login'],
    ],
    ['pip3 install --index-url https://example.org/simple requests[socks]', ['pip:requests']],
    ['python -m pip install --upgrade pip setuptools', ['pip:pip', 'pip:setuptools']],
    ['python3.11 -m pip install -e . uvicorn', ['pip:.', 'pip:uvicorn']],
    ['npm install -g pm2@5 @angular/cli@^17 typescript', ['npm:pm2@5', 'npm:@angular/cli@^17', 'npm:typescript']],
    ['npm ci --omit=dev', []],
    ['npm install', []],
    ['npm install --production', []],
    ['yarn install --frozen-lockfile', []],
    ['yarn add express@4 && yarn global add nodemon', ['yarn:express@4', 'yarn:nodemon']],
    ['pnpm add -g @scope/tool', ['pnpm:@scope/tool']],
    ['gem install rails -v 7 --no-document', ['gem:rails@7']],
    ['gem install bundler:2.4.22 && bundle install', ['gem:bundler@2.4.22']],
    [`bash -c 'apt-get install -y "jq"'`, ['apt:jq']],
    ['echo "apt-get install -y nothing" && curl -fsSL x | sh', []],
    ['', []],
  ])('%s', (command, expected) => {
    expect(names(command)).toEqual(expected);
  });

  it('reports a requirements file as a package with a flag', () => {
    expect(extractPackages('pip install --no-cache-dir -r requirements.txt -r dev.txt')).toEqual([
      { manager: 'pip', name: 'requirements.txt', requirementsFile: true },
      { manager: 'pip', name: 'dev.txt', requirementsFile: true },
    ]);
    expect(extractPackages('pip install -rrequirements/prod.txt')).toEqual([
      { manager: 'pip', name: 'requirements/prod.txt', requirementsFile: true },
    ]);
  });
});
