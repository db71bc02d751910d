import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { UsageError } from '../../src/errors.js';
import { loadConfig } from '../../src/options/config-file.js';
import { configKey, configSchema, validateConfig } from '../../src/options/config-schema.js';
import { configurableRows, OPTIONS } from '../../src/options/option-table.js';
import { asInput } from '../../src/options/settings.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'deploybisect-config-'));
  dirs.push(dir);
  execFileSync('git', ['init', '-q', dir]);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

function problems(value: unknown): string[] {
  try {
    validateConfig('cfg.json', value);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message.split('\ndeploybisect: ');
  }
}

describe('the config schema comes from the option table', () => {
  it('has one key per option (camelCase of the long name), with its flags and description, and nothing else', () => {
    const schema = configSchema() as { properties: Record<string, { description?: string }>; additionalProperties: boolean };
    const perInvocation = [
      'repo',
      'config',
      'restart',
      'mark',
      'session',
      'state',
      'good',
      'force',
      'parent',
      'all',
      'dryRun',
      'olderThan',
    ];
    const expected = [...new Set(OPTIONS.map(configKey))].filter((k) => !perInvocation.includes(k));
    expect(
      Object.keys(schema.properties)
        .filter((k) => k !== '$schema')
        .sort(),
    ).toEqual(expected.sort());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.buildArg!.description).toBe('--build-arg <KEY=VALUE>: build argument (repeatable)');
    expect(configKey({ flags: '--no-default-http' })).toBe('defaultHttp');
    expect(configKey({ flags: '-C, --repo <dir>' })).toBe('repo');
    // Each row's Settings key is commander's attribute name for its flags.
    for (const row of OPTIONS) expect(row.key, row.flags).toBe('aliasOf' in row ? 'noConfig' : configKey(row));
  });

  it('accepts what the command line can say: values, numbers, lists for repeatable options, booleans for flags', () => {
    const ok = {
      $schema: './schema.json',
      file: 'docker/Dockerfile',
      jobs: 2,
      probe: ['healthcheck', 'log:ready'],
      buildArg: 'A=1',
      network: 'host',
      defaultHttp: false,
      json: true,
    };
    expect(validateConfig('cfg.json', ok)).toBe(ok);
  });

  it('says every problem, one line each, with the path of the key', () => {
    expect(problems({ netwrk: 'host', network: 'bridged', jobs: true, json: 'yes', buildArg: ['A=1', { b: 2 }] })).toEqual([
      'cfg.json: /netwrk: unknown option (the keys are the long option names in camelCase, e.g. buildArg for --build-arg)',
      'cfg.json: /buildArg: must be a value or a list of values',
      'cfg.json: /network: must be one of bridge, host, none',
      'cfg.json: /jobs: must be string or number',
      'cfg.json: /json: must be boolean',
    ]);
    expect(problems([1, 2])).toEqual(['cfg.json: /: must be object']);
  });

  it('turns config values into what commander holds', () => {
    const specs = configurableRows();
    expect(asInput(specs.get('jobs')!, 2)).toBe('2');
    expect(asInput(specs.get('probe')!, 'healthcheck')).toEqual(['healthcheck']);
    expect(asInput(specs.get('buildArg')!, ['A=1', 'B=2'])).toEqual(['A=1', 'B=2']);
    expect(asInput(specs.get('defaultHttp')!, false)).toBe(false);
  });
});

describe('loadConfig', () => {
  it('finds deploybisect.config.json, then .deploybisectrc.json, then the "deploybisect" key of package.json, at the repository root', async () => {
    const all = repo({
      'deploybisect.config.json': '{"jobs": 1}',
      '.deploybisectrc.json': '{"jobs": 2}',
      'package.json': '{"name": "x", "deploybisect": {"jobs": 3}}',
    });
    expect((await loadConfig(all))?.values).toEqual({ jobs: 1 });
    const rc = repo({ '.deploybisectrc.json': '{"jobs": 2}', 'package.json': '{"deploybisect": {"jobs": 3}}' });
    expect((await loadConfig(rc))?.values).toEqual({ jobs: 2 });
    const pkg = repo({ 'package.json': '{"name": "x", "deploybisect": {"jobs": 3}}' });
    expect(await loadConfig(pkg)).toEqual({ source: `${join(pkg, 'package.json')} ("deploybisect")`, dir: pkg, values: { jobs: 3 } });
    expect(await loadConfig(repo({ 'package.json': '{"name": "x"}' }))).toBeUndefined();
    expect(await loadConfig(join(tmpdir(), 'not-a-repository-at-all'))).toBeUndefined();
  });

  it('reports a file that is not JSON, a named file that does not exist, and an invalid package.json key', async () => {
    const broken = repo({ 'deploybisect.config.json': '{"jobs": 1,}' });
    await expect(loadConfig(broken)).rejects.toThrow(
      new RegExp(`^config file ${join(broken, 'deploybisect.config.json')} is not valid JSON: `),
    );
    await expect(loadConfig(broken, '/nonexistent/cfg.json')).rejects.toThrow('config file /nonexistent/cfg.json does not exist');
    const pkg = repo({ 'package.json': '{"deploybisect": {"network": "bridged"}}' });
    await expect(loadConfig(pkg)).rejects.toThrow(
      `${join(pkg, 'package.json')} ("deploybisect"): /network: must be one of bridge, host, none`,
    );
  });
});

describe('init: a starter config from the Dockerfile', () => {
  it('proposes the HEALTHCHECK when there is one, else an HTTP GET on the first EXPOSEd tcp port, else running:10s; the last stage counts', async () => {
    const { proposeFromDockerfile } = await import('../../src/session/starter-config.js');
    expect(
      proposeFromDockerfile(
        'FROM a AS build\nEXPOSE 9999\nFROM b\nEXPOSE 53/udp 8080/tcp 9090\nHEALTHCHECK CMD wget -qO- http://127.0.0.1:8080/health\n',
      ).config,
    ).toEqual({
      probe: ['healthcheck'],
      network: 'none',
    });
    expect(proposeFromDockerfile('FROM a\nHEALTHCHECK NONE\nEXPOSE 53/udp 8080/tcp 9090\n').config).toEqual({
      probe: ['http://127.0.0.1:8080/'],
      expectStatus: '100-499',
      network: 'host',
      timeout: '60s',
    });
    expect(proposeFromDockerfile('FROM a AS build\nEXPOSE 9999\nFROM b\nCMD ["run"]\n').config).toEqual({
      probe: ['running:10s'],
      network: 'none',
    });
    // Whatever init proposes is a valid config.
    for (const text of ['FROM a\nHEALTHCHECK CMD true\n', 'FROM a\nEXPOSE 80\n', 'FROM a\n']) {
      expect(() => validateConfig('init', { file: 'Dockerfile', context: '.', ...proposeFromDockerfile(text).config })).not.toThrow();
    }
  });

  it('finds Dockerfile at the root, else the shallowest tracked Dockerfile, Containerfile or *.Dockerfile', async () => {
    const { findDockerfile } = await import('../../src/session/starter-config.js');
    const dir = repo({});
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'deploy', 'web'), { recursive: true });
    writeFileSync(join(dir, 'deploy', 'web', 'Dockerfile'), 'FROM a\n');
    writeFileSync(join(dir, 'deploy', 'api.Dockerfile'), 'FROM a\n');
    execFileSync('git', ['-C', dir, 'add', '.']);
    expect(await findDockerfile(dir)).toBe('deploy/api.Dockerfile');
    writeFileSync(join(dir, 'Dockerfile'), 'FROM a\n');
    expect(await findDockerfile(dir)).toBe('Dockerfile');
    expect(await findDockerfile(repo({}))).toBeUndefined();
  });
});

describe("src/options/config-options.ts (the library's option type)", () => {
  it('is what the option table renders (npm run docs:options rewrites it)', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderConfigTypes } = await import('../../src/options/render-docs.js');
    const committed = readFileSync(new URL('../../src/options/config-options.ts', import.meta.url), 'utf8');
    expect(committed).toBe(renderConfigTypes());
  });
});
