export type { CommitGraph, CommitNode, Verdict } from './commit-graph.js';
export { IndexedGraph } from './commit-graph.js';
export { BisectSearch, type SearchStatus } from './bisect-search.js';
export { estimateBisectSteps } from './next-candidate.js';
export { maxSideWithin } from './prior-split.js';
