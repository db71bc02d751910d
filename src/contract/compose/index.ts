/**
 * The compose stack reader: `loadComposeAtCommit` (git objects of a commit) or `loadCompose` (any
 * FileSource), returning the normalised ComposeProject or compose's reason for refusing the stack.
 */
export type { ComposeFailure } from './compose-failure.js';
export { mapFileSource, type FileSource } from './file-source.js';
export { loadCompose, loadComposeAtCommit, type ComposeLoadOptions, type ComposeLoadResult } from './load-compose.js';
export type * from './model.js';
