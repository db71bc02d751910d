/**
 * The catalogue of the ways deployments break, as data: one rule per pattern, naming the evidence
 * it reads (a clue kind), the kinds of change it links, how sure a link is, and the sentence that
 * links one clue to one finding (or nothing, when this finding does not explain this clue).
 */
import { isWithin } from '../../text/path-within.js';
import { define, ref, type FailurePattern } from './pattern-shape.js';
import { COMMAND_PATTERNS } from './patterns-commands.js';
import { DEPENDENCY_PATTERNS } from './patterns-dependencies.js';
import { MANIFEST_PATTERNS } from './patterns-manifest.js';
import { STACK_PATTERNS } from './patterns-stack.js';
import { portsIn } from './ports-in.js';

export type { Certainty, FailurePattern, LinkContext } from './pattern-shape.js';

/** Whether an absolute path in the image is `dir` or under it (an empty `dir` is the image's root). */
const within = (path: string, dir: string): boolean => isWithin(dir === '' ? '/' : dir, path);

/** Commands whose package has another name (the common cases; otherwise names are compared directly). */
const PACKAGE_OF_COMMAND: Record<string, string[]> = {
  supervisord: ['supervisor'],
  supervisorctl: ['supervisor'],
  python: ['python3', 'python', 'python-is-python3'],
  python3: ['python3'],
  pip: ['python3-pip', 'py3-pip', 'pip'],
  pip3: ['python3-pip', 'py3-pip'],
  node: ['nodejs'],
  npm: ['npm', 'nodejs'],
  psql: ['postgresql-client'],
  pg_isready: ['postgresql-client'],
  'redis-server': ['redis-server', 'redis'],
  'redis-cli': ['redis-tools', 'redis'],
  java: ['default-jre', 'default-jre-headless', 'openjdk-17-jre', 'openjdk-17-jre-headless'],
  convert: ['imagemagick'],
  dig: ['dnsutils', 'bind-tools'],
  nc: ['netcat-openbsd', 'netcat-traditional', 'netcat'],
  ps: ['procps'],
  envsubst: ['gettext-base', 'gettext'],
};

const normalise = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

function commandNeeds(command: string, packageName: string): boolean {
  const base = command.split('/').pop() ?? command;
  const pkg = packageName.toLowerCase();
  if (PACKAGE_OF_COMMAND[base]?.includes(pkg)) return true;
  return base === pkg;
}

/** `KEY=value` of an env or arg finding. */
function setting(text: string | undefined): { key: string; value: string } | undefined {
  if (text === undefined) return undefined;
  const eq = text.indexOf('=');
  return eq === -1 ? { key: text, value: '' } : { key: text.slice(0, eq), value: text.slice(eq + 1) };
}

const ROOT_USERS = new Set(['root', '0', '0:0', 'root:root', 'root:0', '0:root']);
const nonRoot = (user: string | undefined) => user !== undefined && !ROOT_USERS.has(user.trim());
const LOOPBACK = /\b(?:127\.0\.0\.1|localhost)\b|\[?::1\]?/;
const MEMORY_SETTING =
  /NODE_OPTIONS|JAVA_OPTS|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JVM|HEAP|MEM|GOMEMLIMIT|GOGC|WEB_CONCURRENCY|WORKERS|THREADS|MAX_OLD_SPACE/i;
const MEMORY_FLAG = /-Xmx|-Xms|MaxRAMPercentage|--max-old-space-size|(?:^|\s)(?:-w|--workers)[ =]?\d/;

export const FAILURE_PATTERNS: readonly FailurePattern[] = [
  define({
    id: 'missing-path-directory',
    family: 'missing things',
    title: 'a file or directory missing under a directory the commit no longer creates',
    evidence: 'missing-path',
    links: ['directory-no-longer-created'],
    certainty: 'strong',
    explain: (clue, f) => (f.path && within(clue.path, f.path) ? `this commit stopped creating ${f.path} ${ref(f)}` : undefined),
  }),
  define({
    id: 'missing-path-copy',
    family: 'missing things',
    title: 'a file or directory missing where the commit no longer copies (or moved) it',
    evidence: 'missing-path',
    links: ['copy-removed', 'copy-moved'],
    certainty: 'strong',
    explain: (clue, f) => {
      if (f.kind === 'copy-removed' && f.path && within(clue.path, f.path))
        return `this commit no longer copies ${f.before ?? 'it'} to ${f.path} ${ref(f)}`;
      if (f.kind === 'copy-moved' && f.before && within(clue.path, f.before) && !(f.after && within(clue.path, f.after)))
        return `this commit copies it to ${f.after} instead of ${f.before} ${ref(f)}`;
      return undefined;
    },
  }),
  define({
    id: 'workdir-relative-path',
    family: 'missing things',
    title: 'a relative path (or one under the old WORKDIR) missing after a WORKDIR change',
    evidence: 'missing-path',
    links: ['workdir'],
    certainty: 'likely',
    explain: (clue, f) => {
      if (f.before === undefined || f.before === f.after) return undefined;
      const relative = !clue.path.startsWith('/');
      if (!relative && !(within(clue.path, f.before) && !(f.after && within(clue.path, f.after)))) return undefined;
      return `this commit changed WORKDIR from ${f.before} to ${f.after ?? "the base image's"}${relative ? ', and the path is relative to it' : ''} ${ref(f)}`;
    },
  }),
  define({
    id: 'command-package-removed',
    family: 'missing things',
    title: 'a command not found whose package or file the commit removed',
    evidence: 'missing-command',
    links: ['package-removed', 'copy-removed'],
    certainty: 'strong',
    explain: (clue, f) => {
      if (f.kind === 'package-removed' && f.package && commandNeeds(clue.command, f.package.name))
        return `this commit removed the ${f.package.manager} package ${f.package.name} ${ref(f)}`;
      if (f.kind === 'copy-removed' && f.path && (f.path === clue.command || f.path.endsWith(`/${clue.command.split('/').pop()}`)))
        return `this commit no longer copies ${f.path} into the image ${ref(f)}`;
      return undefined;
    },
  }),
  define({
    id: 'command-path-or-base',
    family: 'missing things',
    title: 'a command not found after a PATH or base image change',
    evidence: 'missing-command',
    links: ['env', 'base-image'],
    certainty: 'possible',
    explain: (clue, f) => {
      if (f.kind === 'env' && setting(f.before ?? f.after)?.key === 'PATH') return `this commit changed PATH ${ref(f)}`;
      if (f.kind === 'base-image' && f.stage !== '(global)') return `this commit changed the base image ${f.before} → ${f.after} ${ref(f)}`;
      return undefined;
    },
  }),
  define({
    id: 'module-package-removed',
    family: 'missing things',
    title: 'a module that cannot be imported whose pip or npm package the commit removed',
    evidence: 'missing-module',
    links: ['package-removed'],
    certainty: 'strong',
    explain: (clue, f) => {
      if (!f.package) return undefined;
      const managers: Record<string, string[]> = { python: ['pip'], node: ['npm', 'yarn', 'pnpm'], ruby: ['gem'], go: [] };
      const ecosystemOk = (managers[clue.ecosystem] ?? []).includes(f.package.manager);
      const top = clue.module.split(clue.ecosystem === 'python' ? '.' : '/')[0] ?? clue.module;
      const name = clue.ecosystem === 'node' && clue.module.startsWith('@') ? clue.module.split('/').slice(0, 2).join('/') : top;
      return ecosystemOk && normalise(name) === normalise(f.package.name)
        ? `this commit removed the ${f.package.manager} package ${f.package.name} ${ref(f)}`
        : undefined;
    },
  }),
  define({
    id: 'port-moved',
    family: 'ports',
    title: 'the port the probe uses, moved by the commit (ENV, CMD or ENTRYPOINT flags)',
    evidence: 'refused-port',
    links: ['env', 'arg', 'cmd', 'entrypoint'],
    certainty: 'strong',
    explain: (clue, f) => {
      if (!portsIn(f.before).has(clue.port) || portsIn(f.after).has(clue.port)) return undefined;
      const now = [...portsIn(f.after)];
      const moved = now.length > 0 ? `, now ${now.join(', ')}` : '';
      return `this commit changed ${f.kind === 'env' || f.kind === 'arg' ? `${f.instruction} ${setting(f.before)?.key}` : f.instruction} from port ${clue.port}${moved} ${ref(f)}`;
    },
  }),
  define({
    id: 'port-moved-config',
    family: 'ports',
    title: 'the port the probe uses, moved in a configuration file sent to the builder',
    evidence: 'refused-port',
    links: ['config-file'],
    certainty: 'likely',
    explain: (clue, f) =>
      portsIn(f.before).has(clue.port) && !portsIn(f.after).has(clue.port)
        ? `this commit changed port ${clue.port} in ${f.path} (${JSON.stringify(f.before)} → ${f.after === undefined ? 'removed' : JSON.stringify(f.after)})`
        : undefined,
  }),
  define({
    id: 'port-no-longer-exposed',
    family: 'ports',
    title: 'the port the probe uses, no longer exposed by the commit',
    evidence: 'refused-port',
    links: ['expose'],
    certainty: 'likely',
    explain: (clue, f) =>
      f.before === `${clue.port}/tcp` && f.after === undefined ? `this commit no longer exposes port ${clue.port} ${ref(f)}` : undefined,
  }),
  define({
    id: 'privileged-port-non-root',
    family: 'permissions',
    title: 'a port below 1024 bound by a user the commit made non-root',
    evidence: 'privileged-bind',
    links: ['user'],
    certainty: 'strong',
    explain: (clue, f) =>
      nonRoot(f.after) && (clue.port === undefined || clue.port < 1024)
        ? `this commit made the image run as ${f.after}${f.before ? ` (was ${f.before})` : ''}, and a non-root user cannot bind ${clue.port === undefined ? 'a port below 1024' : `port ${clue.port} (below 1024)`} ${ref(f)}`
        : undefined,
  }),
  define({
    id: 'permission-user-changed',
    family: 'permissions',
    title: 'permission denied or a read-only file system after a USER change',
    evidence: 'permission',
    links: ['user'],
    certainty: 'likely',
    explain: (clue, f) =>
      nonRoot(f.after) && f.before !== f.after
        ? `this commit made the image run as ${f.after}${f.before ? ` (was ${f.before})` : ''}, who may not write${clue.path ? ` ${clue.path}` : ' there'} ${ref(f)}`
        : undefined,
  }),
  define({
    id: 'permission-chown-removed',
    family: 'permissions',
    title: 'permission denied after a chown, chmod or COPY --chown the commit removed',
    evidence: 'permission',
    links: ['run-removed', 'run-changed', 'copy-source-changed'],
    certainty: 'likely',
    explain: (_clue, f) => {
      if (f.kind === 'run-removed' && /\bch(?:own|mod)\b/.test(f.before ?? ''))
        return `this commit removed a RUN that changed owners or modes ${ref(f)}`;
      const dropped = f.commands?.removed.find((c) => /^(?:\S*\/)?ch(?:own|mod)\b/.test(c));
      if (f.kind === 'run-changed' && dropped) return `this commit took \`${dropped}\` out of a RUN ${ref(f)}`;
      // "flags --chown=app:app → (none)": the owner or mode the copy had is gone or another.
      const flags = /flags (.*?) → ([^;]*)/.exec(f.summary);
      const kept = (flag: string) => (flags?.[2] ?? '').includes(flag);
      const ownership = flags?.[1]?.split(' ').filter((flag) => /^--ch(?:own|mod)=/.test(flag)) ?? [];
      if (f.kind === 'copy-source-changed' && ownership.some((flag) => !kept(flag)))
        return `this commit changed the owner or mode of what is copied to ${f.path} ${ref(f)}`;
      return undefined;
    },
  }),
  define({
    id: 'environment-variable-missing',
    family: 'environment',
    title: 'an environment variable the app requires, removed or renamed by the commit',
    evidence: 'missing-env',
    links: ['env', 'arg'],
    certainty: 'strong',
    explain: (clue, f) => {
      const old = setting(f.before);
      if (old?.key !== clue.name) return undefined;
      const now = setting(f.after);
      if (now && now.value !== '') return undefined;
      return `this commit ${now ? 'emptied' : 'removed'} ${f.instruction} ${clue.name} (was ${old.value === '' ? 'empty' : old.value}) ${ref(f)}`;
    },
  }),
  define({
    id: 'loopback-only',
    family: 'ports',
    title: 'a server listening on 127.0.0.1 only, where 0.0.0.0 is needed',
    evidence: 'loopback-listen',
    links: ['cmd', 'entrypoint', 'env'],
    certainty: 'strong',
    explain: (_clue, f) => {
      if (LOOPBACK.test(f.after ?? '') && !LOOPBACK.test(f.before ?? ''))
        return `this commit made it listen on loopback only: ${f.kind === 'env' ? `ENV ${f.after}` : `${f.instruction} ${f.after}`} ${ref(f)}`;
      const old = setting(f.before);
      if (f.kind === 'env' && f.after === undefined && old && /0\.0\.0\.0|::/.test(old.value))
        return `this commit removed ENV ${old.key}=${old.value}, so it listens on its default (loopback) ${ref(f)}`;
      return undefined;
    },
  }),
  define({
    id: 'runtime-version',
    family: 'runtime',
    title: 'a runtime or library version error after a base image change',
    evidence: 'runtime-version',
    links: ['base-image'],
    certainty: 'likely',
    explain: (_clue, f) => (f.stage !== '(global)' ? `this commit changed the base image ${f.before} → ${f.after} ${ref(f)}` : undefined),
  }),
  define({
    id: 'healthcheck-changed',
    family: 'health',
    title: 'a HEALTHCHECK the commit changed, failing',
    evidence: 'healthcheck-failed',
    links: ['healthcheck'],
    certainty: 'likely',
    explain: (_clue, f) => (f.after !== undefined ? `this commit changed the HEALTHCHECK to ${f.after} ${ref(f)}` : undefined),
  }),
  define({
    id: 'out-of-memory',
    family: 'memory',
    title: 'out of memory after a memory setting, worker count or dependency change',
    evidence: 'out-of-memory',
    links: ['env', 'cmd', 'entrypoint'],
    certainty: 'likely',
    explain: (_clue, f) => {
      const named = setting(f.before ?? f.after);
      if (f.kind === 'env' && named && MEMORY_SETTING.test(named.key)) {
        const value = (text: string | undefined) => (text === undefined ? '(not set)' : setting(text)!.value || '(empty)');
        return `this commit changed ENV ${named.key}: ${value(f.before)} → ${value(f.after)} ${ref(f)}`;
      }
      if ((f.kind === 'cmd' || f.kind === 'entrypoint') && (MEMORY_FLAG.test(f.before ?? '') || MEMORY_FLAG.test(f.after ?? '')))
        return `this commit changed the memory or worker flags of ${f.instruction} ${ref(f)}`;
      return undefined;
    },
  }),
  define({
    id: 'out-of-memory-dependency',
    family: 'memory',
    title: 'out of memory after a dependency or base image change',
    evidence: 'out-of-memory',
    links: ['package-added', 'base-image'],
    certainty: 'possible',
    explain: (_clue, f) => {
      if (f.kind === 'package-added' && f.package)
        return `this commit added or changed the ${f.package.manager} package ${f.package.name} ${ref(f)}`;
      if (f.kind === 'base-image' && f.stage !== '(global)') return `this commit changed the base image ${f.before} → ${f.after} ${ref(f)}`;
      return undefined;
    },
  }),
  ...COMMAND_PATTERNS,
  ...DEPENDENCY_PATTERNS,
  ...MANIFEST_PATTERNS,
  ...STACK_PATTERNS,
];
