/**
 * What a failing container's own words point at: paths that did not exist, commands that were not
 * found, modules that could not be imported, and the patterns of `pattern-clues.ts` (ports, permissions,
 * environment, runtime, health, memory) and of `stack-clues.ts` (a stack's services failing, names that
 * do not resolve, connections refused). Pure text matching over log lines and probe evidence.
 */
import { dependencyClues, type DependencyClue } from './dependency-clues.js';
import { patternCluesOf, type PatternClue } from './pattern-clues.js';
import { stackCluesOf, type StackClue } from './stack-clues.js';

export type ModuleEcosystem = 'python' | 'node' | 'go' | 'ruby';

export type Clue =
  | { kind: 'missing-path'; path: string; line: string }
  | { kind: 'missing-command'; command: string; line: string }
  | { kind: 'missing-module'; module: string; ecosystem: ModuleEcosystem; line: string }
  | PatternClue
  | StackClue
  | DependencyClue;

const PATH_PATTERNS: RegExp[] = [
  /No such file or directory: '([^']+)'/, // Python: FileNotFoundError: [Errno 2] No such file or directory: '/app/logs/app.log'
  /no such file or directory, \w+ '([^']+)'/i, // Node: ENOENT: no such file or directory, open '/app/x'
  /can't create ([^:]+): nonexistent directory/, // busybox sh: can't create /app/logs/app.log: nonexistent directory
  /can't open '([^']+)': No such file or directory/, // busybox
  /cannot access '([^']+)': No such file or directory/, // coreutils
  /(?:open|stat|mkdir|chdir) ([^:\s]+): no such file or directory/, // Go
  /(\/[^\s:'"]+): No such file or directory/, // sh / bash: /app/run.sh: No such file or directory
  /can't open file '([^']+)': \[Errno 2\]/, // python3: can't open file '/app/main.py': [Errno 2] No such file or directory
  /Unable to access jarfile (\S+)/, // java -jar
  /^(?:\/bin\/)?(?:ba|da)?sh: (?:\d+: |line \d+: )?(?:exec: (?:line \d+: )?)?(\.{0,2}\/[^\s:]+): not found/, // sh: ./run.sh: not found; /bin/sh: 1: /start.sh: not found
];

const COMMAND_PATTERNS: RegExp[] = [
  /exec: "([^"]+)": executable file not found in \$PATH/, // the engine, at container start
  /exec(?:ute)? ([^:\s]+): no such file or directory/i, // runc: exec /start.sh: no such file or directory
  /(?:^|[\s:])([A-Za-z0-9_.+-]+): (?:command )?not found/, // sh: supervisord: not found / bash: x: command not found
];

const MODULE_PATTERNS: { pattern: RegExp; ecosystem: ModuleEcosystem }[] = [
  { pattern: /ModuleNotFoundError: No module named '([^']+)'/, ecosystem: 'python' },
  { pattern: /ImportError: No module named '?([\w.]+)'?/, ecosystem: 'python' },
  { pattern: /Cannot find module '([^']+)'/, ecosystem: 'node' },
  { pattern: /Cannot find package '([^']+)'/, ecosystem: 'node' }, // ERR_MODULE_NOT_FOUND (ES modules)
  { pattern: /cannot find package "([^"]+)"/, ecosystem: 'go' }, // GOPATH builds
  { pattern: /no required module provides package ([^\s;:]+)/, ecosystem: 'go' },
  { pattern: /cannot load such file -- ([^\s(]+)/, ecosystem: 'ruby' }, // LoadError
];

/** Every clue in the lines, once each (with the last line that gave it), in the order of those lines. */
export function findClues(lines: readonly string[]): Clue[] {
  // Read from the end so that a clue repeated later keeps its latest wording.
  const clues = cluesOf([...lines].reverse()).reverse();
  // Dependency clues read several lines at once (a stack under an error); they go where their line is.
  const position = (clue: Clue) => lines.findLastIndex((line) => line.trim() === clue.line);
  return [...clues, ...dependencyClues(lines)]
    .map((clue, i) => [position(clue), i, clue] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([, , clue]) => clue);
}

function cluesOf(lines: readonly string[]): Clue[] {
  const clues: Clue[] = [];
  const seen = new Set<string>();
  const add = (clue: Clue, key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    clues.push(clue);
  };
  for (const raw of lines) {
    const line = raw.trim();
    for (const { pattern, ecosystem } of MODULE_PATTERNS) {
      const m = pattern.exec(line);
      if (m?.[1]) add({ kind: 'missing-module', module: m[1], ecosystem, line }, `module:${m[1]}`);
    }
    let matchedPath = false;
    for (const pattern of PATH_PATTERNS) {
      const m = pattern.exec(line);
      if (m?.[1]) {
        matchedPath = true;
        add({ kind: 'missing-path', path: m[1].trim(), line }, `path:${m[1].trim()}`);
        break;
      }
    }
    for (const pattern of COMMAND_PATTERNS) {
      const m = pattern.exec(line);
      if (!m?.[1]) continue;
      const command = m[1];
      // "/app/x: No such file or directory" is a path; "exec /start.sh: no such file" names a program.
      if (matchedPath && !/^exec/i.test(m[0]) && !m[0].includes('executable file not found')) continue;
      add({ kind: 'missing-command', command, line }, `command:${command}`);
      break;
    }
    for (const clue of [...patternCluesOf(line), ...stackCluesOf(line)]) add(clue, `${clue.kind}:${line}`);
  }
  return clues;
}
