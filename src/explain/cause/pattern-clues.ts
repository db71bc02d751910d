/**
 * Clues beyond missing things: ports a probe found closed, permission errors, binds below 1024,
 * missing environment variables, servers bound to loopback only, runtimes at odds with their base
 * image, failing health checks and memory exhaustion. Each pattern is the wording of real output
 * (Node 20, Python 3.11, Go, OpenJDK, nginx, BusyBox, dash, bash, the engine and our own probes).
 */
export type PatternClue =
  | { kind: 'refused-port'; port: number; line: string }
  | { kind: 'permission'; path?: string; line: string }
  | { kind: 'privileged-bind'; port?: number; line: string }
  | { kind: 'missing-env'; name: string; line: string }
  /** An http probe's answer that is not a success: the status and the path asked for. */
  | { kind: 'http-status'; status: number; path: string; line: string }
  | { kind: 'loopback-listen'; line: string }
  | { kind: 'runtime-version'; line: string }
  | { kind: 'healthcheck-failed'; line: string }
  | { kind: 'out-of-memory'; line: string };

/** Our probes: `http connection refused on / (http://127.0.0.1:80/)`, `tcp connection refused on port 5432`. */
const REFUSED: RegExp[] = [
  /^http (?:connection refused|connection reset|no answer) on \S* \(https?:\/\/[^/\s]*:(\d+)\//,
  /^tcp (?:connection refused|connection reset|no answer) on port (\d+)/,
];

/** Binding a port below 1024 as a non-root user. */
const PRIVILEGED_BIND: RegExp[] = [
  /listen EACCES: permission denied \S*:(\d+)/, // Node
  /bind\(\) to \S*:(\d+) failed \(13: Permission denied\)/, // nginx
  /listen tcp \S*:(\d+): bind: permission denied/, // Go
  /^(?:\S+: )?bind: Permission denied$/, // busybox httpd, nc
  /Permission denied \(os error 13\).*bind|bind.*Permission denied/i,
];

const PERMISSION: RegExp[] = [
  /EACCES: permission denied, \w+ '([^']+)'/, // Node
  /EPERM: operation not permitted, \w+ '([^']+)'/,
  /PermissionError: \[Errno 13\] Permission denied: '([^']+)'/, // Python
  /\[Errno 30\] Read-only file system: '([^']+)'/,
  /EROFS: read-only file system, \w+ '([^']+)'/,
  /open\(\) "([^"]+)" failed \(13: Permission denied\)/, // nginx
  /mkdir\(\) "([^"]+)" failed \(13: Permission denied\)/,
  /(?:can't create|cannot create|can't open|cannot open) '?([^':\s]+)'?: Permission denied/, // shells
  /(\/[^\s:'"]+): Permission denied/,
  /\b(?:open|mkdir|stat) (\/\S+): permission denied/, // Go
  /\bPermission denied\b|[Rr]ead-only file system|\bOperation not permitted\b/,
];

const MISSING_ENV: RegExp[] = [
  /^KeyError: '([A-Z][A-Z0-9_]*)'$/, // Python os.environ[...]
  /[Mm]issing (?:required )?environment variable:? '?\$?([A-Z][A-Z0-9_]*)/,
  /environment variable '?\$?([A-Z][A-Z0-9_]*)'? (?:is )?(?:not set|required|missing|must be set)/i,
  /\b([A-Z][A-Z0-9_]{2,}) (?:must be set|is required|is not set|is not defined|not set)\b/,
  /\b([A-Z][A-Z0-9_]*): parameter (?:null or )?not set/, // sh ${X?}
];

const LOOPBACK_LISTEN =
  /(?:listening|running|serving|started|bound|listen)\b.*\b(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?\b|\b(?:127\.0\.0\.1|localhost):\d+ \(loopback only\)/i;

const RUNTIME_VERSION: RegExp[] = [
  /version `GLIBC_[\d.]+' not found/,
  /Error relocating .*symbol not found|Error loading shared library/,
  /exec format error|Exec format error/,
  /SyntaxError: (?:Unexpected token|Cannot use import statement|invalid syntax)/,
  /requires (?:a different )?(?:Python|Node(?:\.js)?|Ruby|Java) ?(?:version|>=|\d)/i,
  /Unsupported (?:engine|class file major version|Python version)/i,
  /UnsupportedClassVersionError|has been compiled by a more recent version/,
  /(?:unrecognized|unknown|invalid|illegal) option\b|\bbad option\b/i,
  /: applet not found$/,
];

const HEALTHCHECK_FAILED = /^healthcheck (?:unhealthy|not healthy|still (?:starting|unhealthy))/;

const OUT_OF_MEMORY: RegExp[] = [
  /^OOM killed\b/,
  /out of memory|OutOfMemoryError|MemoryError\b|Reached heap limit|Cannot allocate memory/i,
  /container exited with code 137\b/,
];

const port = (text: string | undefined): number | undefined => (text === undefined ? undefined : Number(text));

/** The pattern clues of one line (trimmed), at most one per kind. */
export function patternCluesOf(line: string): PatternClue[] {
  const clues: PatternClue[] = [];
  const first = (patterns: RegExp[]) => patterns.map((p) => p.exec(line)).find((m) => m !== null) ?? undefined;
  const refused = first(REFUSED);
  if (refused?.[1]) clues.push({ kind: 'refused-port', port: Number(refused[1]), line });
  const bind = first(PRIVILEGED_BIND);
  if (bind) {
    const p = port(bind[1]);
    clues.push(p === undefined ? { kind: 'privileged-bind', line } : { kind: 'privileged-bind', port: p, line });
  } else {
    const permission = first(PERMISSION);
    if (permission) clues.push(permission[1] ? { kind: 'permission', path: permission[1], line } : { kind: 'permission', line });
  }
  const env = first(MISSING_ENV);
  if (env?.[1]) clues.push({ kind: 'missing-env', name: env[1], line });
  const answered = /^http (\d{3}) from (\S+)/.exec(line);
  if (answered) clues.push({ kind: 'http-status', status: Number(answered[1]), path: answered[2]!, line });
  if (LOOPBACK_LISTEN.test(line)) clues.push({ kind: 'loopback-listen', line });
  if (first(RUNTIME_VERSION)) clues.push({ kind: 'runtime-version', line });
  if (HEALTHCHECK_FAILED.test(line)) clues.push({ kind: 'healthcheck-failed', line });
  if (first(OUT_OF_MEMORY)) clues.push({ kind: 'out-of-memory', line });
  return clues;
}
