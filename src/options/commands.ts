import type { CommandName } from './row.js';

/** Commands that build and probe commits. */
export const EVALUATING: readonly CommandName[] = ['run', 'test'];
/** Commands that read a repository's Dockerfile and build context. */
export const SOURCE: readonly CommandName[] = ['run', 'test', 'explain'];
/** Commands that talk to Docker engines. */
export const ENGINE: readonly CommandName[] = ['run', 'test', 'clean', 'demo', 'doctor'];
/** Commands that read the config file. */
export const CONFIGURED: readonly CommandName[] = ['run', 'test', 'explain', 'clean', 'log'];
/** Commands that print a result, plainly, quietly or as JSON. */
export const PRINTING: readonly CommandName[] = ['run', 'test', 'explain', 'clean', 'demo', 'doctor'];
