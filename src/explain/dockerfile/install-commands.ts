/**
 * Which packages a RUN command installs: `apt-get install`, `apk add`, `pip install`, `npm install -g`…
 *
 * Pure: parses the command line only (see shell-commands.ts for the shell part).
 * Only installs are reported; `apt-get remove`, `apk del` and the like are not subtracted
 * (a `--virtual .build-deps` group deleted later was still installed while building).
 * Names are as written, except pip names, which are normalised as PyPI does
 * (`Flask_Login` → `flask-login`). Version pins are split off into `version`:
 * `nginx=1.22.*` → 1.22.*, `express@4` → 4, `flask==2.0` → ==2.0 (the operator matters for pip),
 * `gem install rails -v 7` → 7.
 */
import type { PackageManager } from '../finding.js';
import { programName, shellCommands } from './shell-commands.js';

export interface InstalledPackage {
  manager: PackageManager;
  name: string;
  version?: string;
  /** `pip install -r <file>`: `name` is the requirements file, whose packages are not known here. */
  requirementsFile?: boolean;
}

/** The packages installed by a shell command line (any number of chained commands). */
export function extractPackages(runCommand: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const command of shellCommands(runCommand)) packages.push(...packagesOfCommand(command));
  return packages;
}

/** The packages installed by one simple command (already unwrapped), or none. */
export function packagesOfCommand(command: readonly string[]): InstalledPackage[] {
  const program = programName(command[0] ?? '');
  const args = command.slice(1);
  if (program === 'apt-get' || program === 'apt' || program === 'aptitude') return apt(args);
  if (program === 'apk') return apk(args);
  if (program === 'yum' || program === 'dnf' || program === 'microdnf') return rpm(program, args);
  if (/^pip(\d+(\.\d+)?)?$/.test(program)) return pip(args);
  if (/^python(\d+(\.\d+)?)?$/.test(program)) {
    const m = args.indexOf('-m');
    const moduleName = m === -1 ? undefined : args[m + 1];
    return moduleName === 'pip' ? pip(args.slice(m + 2)) : [];
  }
  if (program === 'uv' && args[0] === 'pip') return pip(args.slice(1));
  if (program === 'npm') return npm(args);
  if (program === 'yarn') return yarn(args);
  if (program === 'pnpm') return pnpm(args);
  if (program === 'gem') return gem(args);
  return [];
}

interface ParsedArgs {
  subcommand?: string;
  /** Arguments after the subcommand that are not options. */
  operands: string[];
  /** Options with their values (`undefined` for switches), in order. */
  options: [string, string | undefined][];
}

/**
 * Split `args` into options and operands. `valued` lists the options that take a value in the
 * next word when not written `--name=value`; short option clusters (`-yq`) are switches.
 * The first operand is the subcommand (`install`, `add`…).
 */
function parseArgs(args: readonly string[], valued: ReadonlySet<string>): ParsedArgs {
  const result: ParsedArgs = { operands: [], options: [] };
  let onlyOperands = false;
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i]!;
    if (!onlyOperands && a === '--') {
      onlyOperands = true;
    } else if (!onlyOperands && a.startsWith('-') && a.length > 1) {
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq !== -1) result.options.push([a.slice(0, eq), a.slice(eq + 1)]);
      else if (valued.has(a)) {
        result.options.push([a, args[i + 1]]);
        i += 1;
      } else if (!a.startsWith('--') && a.length > 2 && valued.has(a.slice(0, 2))) {
        result.options.push([a.slice(0, 2), a.slice(2)]); // -ofoo, -rrequirements.txt
      } else result.options.push([a, undefined]);
    } else if (result.subcommand === undefined) {
      result.subcommand = a;
    } else {
      result.operands.push(a);
    }
  }
  return result;
}

const APT_VALUED = new Set(['-o', '-t', '-c', '--option', '--target-release', '--default-release', '--config-file']);

function apt(args: readonly string[]): InstalledPackage[] {
  const parsed = parseArgs(args, APT_VALUED);
  if (parsed.subcommand !== 'install' && parsed.subcommand !== 'reinstall') return [];
  return parsed.operands.map((word) => {
    // nginx=1.22.* pins a version, nginx/bookworm-backports a release.
    const m = /^([^=/]+)[=/](.+)$/.exec(word);
    if (m && !word.startsWith('.') && !word.startsWith('/')) return withVersion('apt', m[1]!, m[2]!);
    return { manager: 'apt', name: word };
  });
}

const APK_VALUED = new Set([
  '-t',
  '--virtual',
  '-X',
  '--repository',
  '-p',
  '--root',
  '--arch',
  '--cache-dir',
  '--keys-dir',
  '--repositories-file',
  '--progress-fd',
  '--cache-max-age',
]);

function apk(args: readonly string[]): InstalledPackage[] {
  const parsed = parseArgs(args, APK_VALUED);
  if (parsed.subcommand !== 'add') return [];
  // `--virtual .build-deps` names a group, not a package: parseArgs has consumed it as a value.
  return parsed.operands.map((word) => {
    const m = /^([^=<>~]+)((?:[<>]?=|[<>~]).+)$/.exec(word);
    if (!m) return { manager: 'apk', name: word };
    const spec = m[2]!;
    return withVersion('apk', m[1]!, spec.startsWith('=') ? spec.slice(1) : spec);
  });
}

const RPM_VALUED = new Set([
  '-c',
  '--config',
  '--installroot',
  '--releasever',
  '--enablerepo',
  '--disablerepo',
  '--setopt',
  '-x',
  '--exclude',
  '--repo',
  '--repoid',
  '--forcearch',
  '-R',
  '--randomwait',
  '-d',
  '--debuglevel',
  '-e',
  '--errorlevel',
]);

function rpm(program: 'yum' | 'dnf' | 'microdnf', args: readonly string[]): InstalledPackage[] {
  const parsed = parseArgs(args, RPM_VALUED);
  if (parsed.subcommand !== 'install' && parsed.subcommand !== 'localinstall' && parsed.subcommand !== 'reinstall') return [];
  // The version in `nginx-1.20.1` cannot be told from the name reliably; it stays in the name.
  return parsed.operands.map((name) => ({ manager: program, name }));
}

const PIP_VALUED = new Set([
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '--trusted-host',
  '--platform',
  '--python-version',
  '--implementation',
  '--abi',
  '--src',
  '--cache-dir',
  '--progress-bar',
  '--log',
  '--proxy',
  '--timeout',
  '--retries',
  '--global-option',
  '--install-option',
  '-C',
  '--config-settings',
  '--only-binary',
  '--no-binary',
  '--upgrade-strategy',
  '-e',
  '--editable',
  '--python',
  '--report',
  '--root-user-action',
  '--exists-action',
]);

function pip(args: readonly string[]): InstalledPackage[] {
  const parsed = parseArgs(args, PIP_VALUED);
  if (parsed.subcommand !== 'install') return [];
  const packages: InstalledPackage[] = [];
  for (const [option, value] of parsed.options) {
    if (value === undefined) continue;
    if (option === '-r' || option === '--requirement') packages.push({ manager: 'pip', name: value, requirementsFile: true });
    if (option === '-e' || option === '--editable') packages.push({ manager: 'pip', name: value });
  }
  for (const word of parsed.operands) packages.push(pipRequirement(word));
  return packages;
}

function pipRequirement(word: string): InstalledPackage {
  // URLs, VCS links and local paths/wheels stay as written.
  if (/^[a-z+]+:\/\//i.test(word) || word.startsWith('.') || word.startsWith('/') || /\.(whl|tar\.gz|zip)$/.test(word)) {
    return { manager: 'pip', name: word };
  }
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$/.exec(word);
  if (!m) return { manager: 'pip', name: word };
  const name = m[1]!.toLowerCase().replace(/[-_.]+/g, '-');
  const spec = m[3]!.trim();
  return spec === '' ? { manager: 'pip', name } : withVersion('pip', name, spec.startsWith('@') ? spec.slice(1).trim() : spec);
}

const NPM_VALUED = new Set([
  '--prefix',
  '--registry',
  '--omit',
  '--include',
  '-w',
  '--workspace',
  '--cache',
  '--loglevel',
  '--tag',
  '--userconfig',
  '--only',
]);

function npm(args: readonly string[]): InstalledPackage[] {
  const parsed = parseArgs(args, NPM_VALUED);
  const installs = ['install', 'i', 'add', 'isntall', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal'];
  if (parsed.subcommand === undefined || !installs.includes(parsed.subcommand)) return [];
  return parsed.operands.map((word) => nodePackage('npm', word));
}

function yarn(args: readonly string[]): InstalledPackage[] {
  const valued = new Set(['--cwd', '--registry', '--network-timeout', '--modules-folder', '--cache-folder', '--mutex']);
  const parsed = parseArgs(args, valued);
  let operands = parsed.operands;
  if (parsed.subcommand === 'global') {
    if (operands[0] !== 'add') return [];
    operands = operands.slice(1);
  } else if (parsed.subcommand !== 'add') return [];
  return operands.map((word) => nodePackage('yarn', word));
}

function pnpm(args: readonly string[]): InstalledPackage[] {
  const valued = new Set([
    '--filter',
    '-F',
    '--dir',
    '-C',
    '--store-dir',
    '--registry',
    '--reporter',
    '--global-dir',
    '--virtual-store-dir',
  ]);
  const parsed = parseArgs(args, valued);
  if (parsed.subcommand !== 'add' && parsed.subcommand !== 'install' && parsed.subcommand !== 'i') return [];
  return parsed.operands.map((word) => nodePackage('pnpm', word));
}

/** `express@4`, `@scope/name@^1.2`, `@scope/name`. */
function nodePackage(manager: 'npm' | 'yarn' | 'pnpm', word: string): InstalledPackage {
  const at = word.indexOf('@', 1);
  if (at === -1 || /^[a-z+]+:/i.test(word)) return { manager, name: word };
  return withVersion(manager, word.slice(0, at), word.slice(at + 1));
}

const GEM_VALUED = new Set([
  '-v',
  '--version',
  '-i',
  '--install-dir',
  '-n',
  '--bindir',
  '-s',
  '--source',
  '--platform',
  '-P',
  '--trust-policy',
  '-g',
  '--file',
]);

function gem(args: readonly string[]): InstalledPackage[] {
  const parsed = parseArgs(args, GEM_VALUED);
  if (parsed.subcommand !== 'install') return [];
  const version = parsed.options.find(([o]) => o === '-v' || o === '--version')?.[1];
  return parsed.operands.map((word) => {
    const colon = word.indexOf(':'); // rails:7.0.0
    if (colon > 0) return withVersion('gem', word.slice(0, colon), word.slice(colon + 1));
    return version === undefined ? { manager: 'gem', name: word } : withVersion('gem', word, version);
  });
}

function withVersion(manager: PackageManager, name: string, version: string): InstalledPackage {
  return version === '' ? { manager, name } : { manager, name, version };
}
