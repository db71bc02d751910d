/**
 * The compose stack reader: `loadComposeAtCommit` (git objects of a commit) or `loadCompose` (any
 * FileSource), returning the normalised ComposeProject or compose's reason for refusing the stack.
 */
export { describeFailure, type ComposeFailure, type ComposeFailureKind } from './compose-failure.js';
export { DEFAULT_FILE_NAMES, DEFAULT_OVERRIDE_NAMES } from './discover.js';
export { mapFileSource, type FileSource } from './file-source.js';
export { HEALTHCHECK_DEFAULTS } from './healthcheck.js';
export { loadCompose, loadComposeAtCommit, type ComposeLoadOptions, type ComposeLoadResult } from './load-compose.js';
export type * from './model.js';
export { SUPPORTED_SERVICE_KEYS, SUPPORTED_TOP_LEVEL } from './unsupported.js';
