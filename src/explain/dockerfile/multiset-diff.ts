/**
 * Match two lists by a key, as multisets: equal keys pair up in order, the rest are removed
 * or added. Moving an identical instruction is therefore not a change.
 */
export interface MultisetDiff<T> {
  removed: T[];
  added: T[];
  kept: [T, T][];
}

export function multisetDiff<T>(before: readonly T[], after: readonly T[], key: (item: T) => string): MultisetDiff<T> {
  const waiting = new Map<string, T[]>();
  for (const item of before) {
    const k = key(item);
    const list = waiting.get(k);
    if (list) list.push(item);
    else waiting.set(k, [item]);
  }
  const added: T[] = [];
  const kept: [T, T][] = [];
  for (const item of after) {
    const match = waiting.get(key(item))?.shift();
    if (match === undefined) added.push(item);
    else kept.push([match, item]);
  }
  const keptBefore = new Set(kept.map(([b]) => b));
  return { removed: before.filter((item) => !keptBefore.has(item)), added, kept };
}
