/**
 * The order in which `git rev-list bad --not good...` lists the commits still in range.
 *
 * git walks from `bad` with a queue ordered by committer date (newest first; equal dates leave the
 * queue in the order they entered it) and appends each popped commit to the list; a popped commit
 * queues its parents that were not seen yet, in parent order (only the first parent with
 * --first-parent). Commits that end up excluded (ancestors of a good commit) never queue a commit that
 * stays in range, so the order of the range is this walk restricted to the range.
 */
import type { IndexedGraph } from './commit-graph.js';

export interface RangeWalk {
  /** Commits of the range in rev-list order (bad first). */
  order: number[];
  /** 1 for commits in the range. */
  inRange: Uint8Array;
}

export function walkRange(graph: IndexedGraph, bad: number, excluded: Uint8Array, firstParentOnly: boolean): RangeWalk {
  const inRange = new Uint8Array(graph.size);
  const order: number[] = [];
  if (excluded[bad]) return { order, inRange };

  const seen = new Uint8Array(graph.size);
  const queue = new WalkQueue(graph.dates);
  seen[bad] = 1;
  queue.push(bad);
  for (let c = queue.pop(); c !== undefined; c = queue.pop()) {
    inRange[c] = 1;
    order.push(c);
    for (const p of graph.walkParents(c, firstParentOnly)) {
      if (seen[p] || excluded[p]) continue;
      seen[p] = 1;
      queue.push(p);
    }
  }
  return { order, inRange };
}

/** Binary heap: newest date first, then first in, first out. */
class WalkQueue {
  private readonly heap: { item: number; seq: number }[] = [];
  private seq = 0;

  constructor(private readonly dates: readonly number[]) {}

  push(item: number): void {
    const heap = this.heap;
    heap.push({ item, seq: this.seq++ });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): number | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop() as { item: number; seq: number };
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < heap.length && this.before(l, best)) best = l;
        if (r < heap.length && this.before(r, best)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top.item;
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a] as { item: number; seq: number };
    const y = this.heap[b] as { item: number; seq: number };
    const dx = this.dates[x.item] as number;
    const dy = this.dates[y.item] as number;
    return dx !== dy ? dx > dy : x.seq < y.seq;
  }

  private swap(a: number, b: number): void {
    const heap = this.heap;
    const t = heap[a] as { item: number; seq: number };
    heap[a] = heap[b] as { item: number; seq: number };
    heap[b] = t;
  }
}
