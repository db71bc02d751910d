/**
 * The compose normaliser against the real Compose CLI: for each real compose project of
 * test/fixtures/compose (see SOURCES.txt there), commit it to a repository, load it at that commit
 * with deploybisect, run Debian's `docker-compose config` (1.29; no engine needed) in the work tree
 * with the same pinned environment, and compare what both carry. Where 1.29 and the compose
 * specification differ, compose-differences.ts names the rule; nothing else is loosened.
 * Under CI=true a missing docker-compose fails the test instead of skipping it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

import { envMap, parseEnvFile } from '../../src/contract/compose/env-file.js';
import { loadComposeAtCommit, type ComposeProject } from '../../src/contract/compose/index.js';
import { projectCli, projectModel } from '../fixtures/compose/cli-projection.js';
import { DIFFERENCES } from '../fixtures/compose/compose-differences.js';
import { TestRepo } from '../fixtures/git-repo.js';

interface Case {
  /** Directory under test/fixtures/compose. */
  dir: string;
  /** `-f` files in order; none: both find the files by compose's names. */
  files?: string[];
}

const CASES: Case[] = [
  { dir: 'awesome-django' },
  { dir: 'awesome-elasticsearch-logstash-kibana' },
  { dir: 'awesome-gitea-postgres' },
  { dir: 'awesome-nextcloud-redis-mariadb' },
  { dir: 'awesome-nginx-golang-mysql' },
  { dir: 'awesome-pihole-cloudflared-DoH' },
  { dir: 'awesome-postgresql-pgadmin' },
  { dir: 'awesome-prometheus-grafana' },
  { dir: 'awesome-react-express-mongodb' },
  { dir: 'awesome-react-java-mysql' },
  { dir: 'awesome-traefik-golang' },
  { dir: 'awesome-wasmedge-kafka-mysql', files: ['compose.yml'] },
  {
    dir: 'frappe',
    files: ['compose.yaml', 'overrides/compose.mariadb.yaml', 'overrides/compose.redis.yaml', 'overrides/compose.noproxy.yaml'],
  },
  { dir: 'immich' },
  { dir: 'jitsi' },
  { dir: 'mailserver' },
  { dir: 'mastodon' },
  { dir: 'n8n' },
  { dir: 'netbox' },
  { dir: 'nextcloud-proxy' },
  { dir: 'plausible', files: ['compose.yml'] },
  { dir: 'redash' },
  { dir: 'sentry' },
  { dir: 'taiga', files: ['docker-compose.yml', 'docker-compose-inits.yml'] },
  { dir: 'zulip' },
];

const FIXTURES = join(import.meta.dirname, '../fixtures/compose');
/** The only variable both tools see besides the files: docker-compose needs a PATH to start. */
const PINNED = { PATH: '/usr/local/bin:/usr/bin:/bin' };

const cliPresent = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' }).status === 0;
const used = new Map<string, number>(DIFFERENCES.map((difference) => [difference.id, 0]));

function runCli(dir: string, files: readonly string[]): { output: unknown; unset: string[] } {
  const args = [...files.flatMap((file) => ['-f', file]), 'config'];
  const result = spawnSync('docker-compose', args, { cwd: dir, env: PINNED, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`docker-compose ${args.join(' ')} failed:\n${result.stderr}`);
  const unset = [...result.stderr.matchAll(/The (\S+) variable is not set/g)].map((match) => match[1] ?? '');
  return { output: parse(result.stdout), unset: [...new Set(unset)].sort() };
}

function lookupOf(repoDir: string, project: ComposeProject): (name: string) => string | undefined {
  const dotenv =
    project.dotenvFile === null
      ? new Map<string, string>()
      : envMap(parseEnvFile(readFileSync(join(repoDir, project.dotenvFile), 'utf8'), () => undefined));
  return (name) => (Object.hasOwn(PINNED, name) ? PINNED[name as keyof typeof PINNED] : dotenv.get(name));
}

describe.runIf(cliPresent || process.env['CI'] === 'true')('compose normaliser against docker-compose config (1.29)', () => {
  test('docker-compose is installed (scripts/test.sh installs it)', () => {
    expect(cliPresent, 'docker-compose is missing: apt-get install docker-compose').toBe(true);
  });

  test.each(CASES)('$dir', async ({ dir, files = [] }) => {
    if (!cliPresent) throw new Error('docker-compose is missing');
    const repo = new TestRepo('deploybisect-compose-');
    cpSync(join(FIXTURES, dir), repo.dir, { recursive: true });
    repo.git('add', '-A');
    repo.git('commit', '-qm', dir);
    const sha = repo.git('rev-parse', 'HEAD');

    const loaded = await loadComposeAtCommit(repo.dir, sha, { files, profiles: ['*'], environment: PINNED });
    if (loaded.kind === 'invalid') throw new Error(`deploybisect refused ${dir}: ${loaded.failure.message}`);
    const cli = runCli(repo.dir, files);

    const ours = projectModel(loaded.project);
    const theirs = projectCli(cli.output, repo.dir);
    const context = {
      ours,
      cli: theirs,
      project: loaded.project,
      lookup: lookupOf(repo.dir, loaded.project),
      fileCount: Math.max(files.length, loaded.project.files.length),
    };
    for (const difference of DIFFERENCES) used.set(difference.id, (used.get(difference.id) ?? 0) + difference.apply(context));

    expect(Object.keys(ours.services).sort()).toEqual(Object.keys(theirs.services).sort());
    for (const name of Object.keys(theirs.services))
      expect({ service: name, ...ours.services[name] }).toEqual({ service: name, ...theirs.services[name] });
    expect(ours.networks).toEqual(theirs.networks);
    expect(ours.volumes).toEqual(theirs.volumes);
    expect(ours.secrets).toEqual(theirs.secrets);

    const ourUnset = loaded.project.warnings.flatMap((w) =>
      w.kind === 'unset-variable' && !w.path.includes('env_file') && w.path !== '.env' ? [w.variable] : [],
    );
    expect([...new Set(ourUnset)].sort()).toEqual(cli.unset);
  });

  // Runs after the cases (a file's tests run in order): a documented difference no file needs is a stale rule.
  test.runIf(cliPresent)('every documented difference is needed by some file', () => {
    console.log(`documented differences applied: ${[...used].map(([id, count]) => `${id} ${count}`).join(', ')}`);
    const unused = [...used].filter(([, count]) => count === 0).map(([id]) => id);
    expect(unused).toEqual([]);
  });
});
