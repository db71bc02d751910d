/**
 * Clues of a stack's failure between its services: compose's own words for a service that failed
 * (`dependency failed to start: container db has no healthcheck configured`, `service "migrate"
 * didn't complete successfully: exit 1`, and our signatures `db: unhealthy (web waits for
 * service_healthy)`), a name that does not resolve (`bad address 'db'`, `could not translate host
 * name "db"`, `getaddrinfo ENOTFOUND db`), and a connection refused by a host and port (`connection
 * to server at "db" (172.18.0.2), port 5432 failed: Connection refused`). Each pattern is the wording
 * of real output: docker compose v2, BusyBox, libpq (psql, psycopg), Node 20, Python 3.11, curl, Go,
 * Java, nginx, redis-py, MySQL clients.
 */
/**
 * How a service failed the stack: no healthcheck where one is waited for, unhealthy, exited, a one-shot
 * that did not exit 0, or not what was waited for before the timeout (`not completed before the timeout (still running)`).
 */
export type FailedHow = 'no-healthcheck' | 'unhealthy' | 'exited' | 'not-completed' | 'timed-out';

export type StackClue =
  /** A service compose (or our stack run) says failed: `service` as named there (a container name may carry the project). */
  | { kind: 'service-failed'; service: string; how: FailedHow; line: string }
  /** A host name that did not resolve; absent when the line does not say which (`Name or service not known`). */
  | { kind: 'unknown-host'; host?: string; line: string }
  /** A connection refused (or a host and port an app says it cannot reach); `host` absent when the line gives an address (or loopback) rather than a name. */
  | { kind: 'refused-service'; host?: string; port: number; line: string };

const SERVICE_FAILED: [RegExp, FailedHow][] = [
  [/\bcontainer (\S+) has no healthcheck configured/, 'no-healthcheck'],
  [/^(\S+): has no healthcheck configured\b/, 'no-healthcheck'],
  [/\bcontainer (\S+) is unhealthy/, 'unhealthy'],
  [/^(\S+): unhealthy\b/, 'unhealthy'],
  [/\bservice "([^"]+)" didn't complete successfully/, 'not-completed'],
  [/^(\S+): didn't complete successfully\b/, 'not-completed'],
  [/\bdependency failed to start: container (\S+) exited \(\d+\)/, 'exited'],
  [/^(\S+): container exited with code [1-9]/, 'exited'],
  [/^(\S+): not (?:up|started|healthy|completed) before the timeout\b/, 'timed-out'],
];

/** Lines that name the host that did not resolve (group 1; a `:port` after it is dropped). */
const UNKNOWN_HOST: RegExp[] = [
  /\bbad address '([^']+)'/, // BusyBox: wget: bad address 'api:8000'; nc: bad address 'db'
  /could not translate host name "([^"]+)" to address/, // libpq: psql, psycopg
  /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (\S+)/, // Node
  /Could not resolve host: (\S+)/, // curl
  /\blookup (\S+?)(?: on \S+)?: (?:no such host|server misbehaving|Temporary failure)/, // Go
  /UnknownHostException: ([^\s:]+)/, // Java
  /host not found in upstream "([^"]+)"/, // nginx
  /Failed to resolve '([^']+)'/, // urllib3 2
  /getaddrinfo for (\S+) failed/, // PHP
  /Unknown (?:MySQL|MariaDB) server host '([^']+)'/, // MySQL clients
  /Error -?\d+ connecting to ([^:\s]+):\d+\. (?:Name or service not known|Temporary failure)/, // redis-py
];

/** Name resolution failed without naming the host (glibc's words, as Python and Ruby print them). */
const UNNAMED_HOST = /Name or service not known|Temporary failure in name resolution|nodename nor servname provided/;

/** Connection refused, host (group 1) and port (group 2). */
const REFUSED: RegExp[] = [
  /connection to server at "([^"]+)" \([^)]*\), port (\d+) failed: Connection refused/, // libpq
  /connect ECONNREFUSED (\S+):(\d+)/, // Node
  /dial tcp (\S+):(\d+): connect: connection refused/, // Go
  /Failed to connect to (\S+) port (\d+)(?: after \d+ ms)?: (?:Connection refused|Couldn't connect to server)/, // curl
  /Error 111 connecting to ([^:\s]+):(\d+)\. Connection refused/, // redis-py
  /host='([^']+)', port=(\d+)\).*(?:Connection refused|\[Errno 111\])/, // urllib3
  /\(111: Connection refused\) while connecting to upstream.*upstream: "\w+:\/\/([^:/"]+):(\d+)/, // nginx
  /\b(?:cannot|can't|could not|couldn't|unable to) (?:reach|connect to) (?:\w+:\/\/)?([\w.-]+):(\d+)\b/i, // apps' own: cannot reach http://db:5432/
];

/** An address or loopback, not a service's name. */
const ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[?[0-9a-f]*:[0-9a-f:]*\]?|localhost)$/i;

/** The stack clues of one line (trimmed). */
export function stackCluesOf(line: string): StackClue[] {
  const clues: StackClue[] = [];
  for (const [pattern, how] of SERVICE_FAILED) {
    const m = pattern.exec(line);
    if (m?.[1]) {
      clues.push({ kind: 'service-failed', service: m[1], how, line });
      break;
    }
  }
  const named = UNKNOWN_HOST.map((p) => p.exec(line)).find((m) => m?.[1]);
  if (named) clues.push({ kind: 'unknown-host', host: named[1]!.replace(/:\d+$/, ''), line });
  else if (UNNAMED_HOST.test(line)) clues.push({ kind: 'unknown-host', line });
  const refused = REFUSED.map((p) => p.exec(line)).find((m) => m?.[2]);
  if (refused) {
    const host = refused[1]!;
    const port = Number(refused[2]);
    clues.push(ADDRESS.test(host) ? { kind: 'refused-service', port, line } : { kind: 'refused-service', host, port, line });
  }
  return clues;
}

/**
 * Whether a container or host name names `service`: the service itself, or compose's container name
 * for it (`<project>-db-1`, `<project>_db_1`).
 */
export function namesService(name: string, service: string): boolean {
  return name === service || new RegExp(`[-_]${escape(service)}[-_]\\d+$`).test(name);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
