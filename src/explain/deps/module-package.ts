/**
 * Which package a module named in an error belongs to: Node specifiers (`@scope/name/sub/path` →
 * `@scope/name`), install paths (`…/node_modules/webdav/dist/index.js` → webdav), Python import names
 * (`yaml` → PyYAML, `dj_database_url` → dj-database-url: a small table of the well-known ones, else
 * the import name normalised), Go import paths (under a module's path) and Ruby requires
 * (`rails/html/sanitizer` → rails-html-sanitizer). Pure.
 */
import { normalizePythonName } from './pep508.js';
import type { Ecosystem, PackageChange } from './types.js';

/** Import names whose distribution has another name (the usual cases). */
const PYTHON_DISTRIBUTIONS: Record<string, string[]> = {
  yaml: ['pyyaml'],
  PIL: ['pillow'],
  cv2: ['opencv-python', 'opencv-python-headless', 'opencv-contrib-python'],
  sklearn: ['scikit-learn'],
  skimage: ['scikit-image'],
  bs4: ['beautifulsoup4'],
  dateutil: ['python-dateutil'],
  dotenv: ['python-dotenv'],
  jwt: ['pyjwt'],
  jose: ['python-jose'],
  multipart: ['python-multipart'],
  MySQLdb: ['mysqlclient'],
  psycopg2: ['psycopg2', 'psycopg2-binary'],
  psycopg: ['psycopg', 'psycopg-binary'],
  google: ['protobuf', 'google-api-core', 'google-cloud-storage'],
  attr: ['attrs'],
  magic: ['python-magic'],
  serial: ['pyserial'],
  Crypto: ['pycryptodome', 'pycrypto'],
  OpenSSL: ['pyopenssl'],
  docx: ['python-docx'],
  pptx: ['python-pptx'],
  slugify: ['python-slugify'],
  zmq: ['pyzmq'],
  git: ['gitpython'],
  gi: ['pygobject'],
  fitz: ['pymupdf'],
  telegram: ['python-telegram-bot'],
  rest_framework: ['djangorestframework'],
  corsheaders: ['django-cors-headers'],
  debug_toolbar: ['django-debug-toolbar'],
  storages: ['django-storages'],
  environ: ['django-environ'],
  pkg_resources: ['setuptools'],
  faiss: ['faiss-cpu', 'faiss-gpu'],
  websocket: ['websocket-client'],
  socketio: ['python-socketio'],
  engineio: ['python-engineio'],
};

/** The npm package of a specifier or of a path through node_modules (undefined for relative paths and built-ins). */
export function nodePackageOf(specifier: string): string | undefined {
  const inModules = specifier.lastIndexOf('node_modules/');
  const spec = inModules === -1 ? specifier : specifier.slice(inModules + 'node_modules/'.length);
  if (spec === '' || spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || /^[A-Za-z]:[\\/]/.test(spec))
    return undefined;
  const parts = spec.split(/[\\/]/);
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The names a Python import (its top-level package) may be distributed under, normalised. */
export function pythonDistributionsOf(module: string): string[] {
  const top = module.split('.')[0] ?? module;
  return [...new Set([...(PYTHON_DISTRIBUTIONS[top] ?? []), normalizePythonName(top)])];
}

/** Whether the module (as an error names it) is provided by the package `name` of the ecosystem. */
export function moduleOfPackage(ecosystem: Ecosystem, module: string, name: string): boolean {
  switch (ecosystem) {
    case 'npm':
      return nodePackageOf(module) === name;
    case 'python':
      return pythonDistributionsOf(module).includes(normalizePythonName(name));
    case 'go':
      return module === name || module.startsWith(`${name}/`);
    case 'ruby': {
      const parts = module.split('/');
      const candidates = [parts[0], parts.join('-'), parts.join('_'), (parts[0] ?? '').replace(/_/g, '')];
      return candidates.some((c) => c === name || c?.replace(/_/g, '-') === name);
    }
    default:
      return module === name;
  }
}

/** A module or package as an error names it, with its ecosystem where the error says which. */
export interface NamedModule {
  module: string;
  ecosystem?: Ecosystem;
  /** The changes of its package that can produce what the output says (a module not found: removed or moved, not upgraded); any when absent. */
  explainedBy?: readonly PackageChange['kind'][];
}

/** Whether the package `name` of `ecosystem` is the package of one of the named modules (and, given a change's kind, one the output can come from). */
export function isNamedPackage(modules: readonly NamedModule[], ecosystem: Ecosystem, name: string, kind?: PackageChange['kind']): boolean {
  return modules.some(
    (m) =>
      (m.ecosystem === undefined || m.ecosystem === ecosystem) &&
      (kind === undefined || m.explainedBy === undefined || m.explainedBy.includes(kind)) &&
      moduleOfPackage(ecosystem, m.module, name),
  );
}

/** The names a file must contain to declare the package of a module (a quick test before a lock is parsed). */
function spellings(m: NamedModule): string[] {
  const any = m.ecosystem === undefined;
  const top = m.module.split(/[./]/)[0] ?? m.module;
  return [
    ...(any || m.ecosystem === 'npm' ? [nodePackageOf(m.module) ?? m.module] : []),
    ...(any || m.ecosystem === 'python' ? [top, ...pythonDistributionsOf(m.module)] : []),
    // A Go module's path is a prefix of its packages' import paths: host and owner at least.
    ...(any || m.ecosystem === 'go' ? [m.module.split('/').slice(0, 2).join('/')] : []),
    ...(any || m.ecosystem === 'ruby' ? [m.module.split('/')[0] ?? m.module] : []),
    ...(m.ecosystem && !['npm', 'python', 'go', 'ruby'].includes(m.ecosystem) ? [m.module] : []),
  ].filter((s) => s !== '');
}

/**
 * A test of a dependency file's text: false when it cannot declare the package of any named module
 * (none of their names is written in it, `-`, `_` and `.` alike and case aside); undefined when no
 * module is named.
 */
export function mentionsNamedPackage(modules: readonly NamedModule[]): ((text: string) => boolean) | undefined {
  const names = [...new Set(modules.flatMap(spellings))];
  if (names.length === 0) return undefined;
  const escape = (part: string) => part.replace(/[\\^$*+?()[\]{}|]/g, '\\$&');
  const alternatives = names.map((n) => n.split(/[-_.]/).map(escape).join('[-_.]'));
  const pattern = new RegExp(alternatives.join('|'), 'i');
  return (text) => pattern.test(text);
}

/** The ecosystem a clue's module belongs to (`node` in the clues is npm's). */
export function ecosystemOfClue(ecosystem: 'node' | 'python' | 'go' | 'ruby'): Ecosystem {
  return ecosystem === 'node' ? 'npm' : ecosystem;
}
