/**
 * `deploybisect docter`: the first word is no command, so it is taken for the good commit of a
 * search; when it is no revision either but close to a command's name, it was a typo.
 */

/** The edit distance (insertions, deletions, substitutions, swaps of neighbours) between two words. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The command `word` is closest to, when it is close enough to be a typo of it (at most 2 edits, fewer for short words). */
export function closestCommand(word: string, commands: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { name: string; edits: number } | undefined;
  for (const name of commands) {
    const edits = distance(lower, name);
    if (edits <= Math.min(2, Math.floor(name.length / 3)) && (!best || edits < best.edits)) best = { name, edits };
  }
  return best?.name;
}

/** The repository a command line names (`-C dir`, `--repo dir`, `--repo=dir`), else the current directory. */
function repositoryOf(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if ((arg === '-C' || arg === '--repo') && args[i + 1] !== undefined) return args[i + 1]!;
    if (arg.startsWith('--repo=')) return arg.slice('--repo='.length);
  }
  return '.';
}

/** The first argument that is neither an option nor the repository named by one (`-C dir`). */
function firstWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-C' || args[i] === '--repo') i++;
    else if (!args[i]!.startsWith('-')) return args[i];
  }
  return undefined;
}

/**
 * The command a mistyped first argument meant, if it is one: not a command, not an option, not a
 * revision of the repository, and close to a command's name.
 */
export async function mistypedCommand(
  args: readonly string[],
  commands: readonly string[],
): Promise<{ word: string; command: string } | undefined> {
  const first = firstWord(args);
  if (first === undefined || commands.includes(first)) return undefined;
  const near = closestCommand(first, commands);
  if (!near) return undefined;
  // Loaded only here: git's libraries are not needed for any other first word (nor for --help, --version).
  const { resolveCommit } = await import('../git/refs.js');
  const revision = await resolveCommit(repositoryOf(args), first).then(
    () => true,
    () => false,
  );
  return revision ? undefined : { word: first, command: near };
}
