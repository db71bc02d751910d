/** What the loading of one project's files shares: where files come from, the variables, what it finds on the way. */
import type { Tree } from './canonical.js';
import type { FileSource } from './file-source.js';
import type { Lookup } from './interpolate.js';
import type { ReadDocument } from './locate.js';
import type { MergeTags } from './merge.js';
import type { ComposeWarning, UnsupportedKey } from './model.js';

export interface LoadContext {
  source: FileSource;
  lookup: Lookup;
  warn(warning: ComposeWarning): void;
  unsupported: UnsupportedKey[];
  /** Every document read, for finding the line of a path of the merged model. */
  documents: ReadDocument[];
  /** The files whose `include` led here (a cycle is an error). */
  including: readonly string[];
}

/** One YAML document of a file, in canonical form, with its `!reset` / `!override` tags. */
export interface Layer {
  tree: Tree;
  tags: MergeTags;
}

/** Loads a file's layers with the given base directory (load-file.ts; passed in to keep imports one-way). */
export type LoadFile = (file: string, baseDir: string, context: LoadContext) => Promise<Layer[]>;
