/** Which files are dependency files, and the reader of each (by file name; vendored trees left out). */
import { readCargoLock, readComposerJson, readComposerLock } from './cargo-composer.js';
import { readGemfile, readGemfileLock } from './gemfile.js';
import { readGoMod, readGoSum } from './go-mod.js';
import { readPackageLock } from './npm-lock.js';
import { readPackageJson } from './npm-manifest.js';
import { readPnpmLock } from './pnpm-lock.js';
import { readPyproject } from './pyproject.js';
import { readPipfile, readPipfileLock, readPoetryLock, readUvLock } from './python-locks.js';
import { readRequirementsTxt } from './requirements-txt.js';
import { readRuntimeFile } from './runtime-pins.js';
import type { DependencySnapshot } from './types.js';
import { readYarnLock } from './yarn-lock.js';

export type Reader = (text: string, path: string) => DependencySnapshot;

const BY_NAME: Record<string, Reader> = {
  'package.json': readPackageJson,
  'package-lock.json': readPackageLock,
  'npm-shrinkwrap.json': readPackageLock,
  'yarn.lock': readYarnLock,
  'pnpm-lock.yaml': readPnpmLock,
  'pyproject.toml': readPyproject,
  'poetry.lock': readPoetryLock,
  'uv.lock': readUvLock,
  'Pipfile.lock': readPipfileLock,
  Pipfile: readPipfile,
  'go.mod': readGoMod,
  'go.sum': readGoSum,
  'Gemfile.lock': readGemfileLock,
  Gemfile: readGemfile,
  'gems.rb': readGemfile,
  'gems.locked': readGemfileLock,
  'Cargo.lock': readCargoLock,
  'composer.json': readComposerJson,
  'composer.lock': readComposerLock,
  '.nvmrc': readRuntimeFile,
  '.node-version': readRuntimeFile,
  '.python-version': readRuntimeFile,
  'runtime.txt': readRuntimeFile,
  '.ruby-version': readRuntimeFile,
  '.tool-versions': readRuntimeFile,
  'setup.cfg': readRuntimeFile,
  'setup.py': readRuntimeFile,
};

const VENDORED = /(?:^|\/)(?:node_modules|vendor|\.venv|venv|site-packages|third_party)\//;

/** The reader of a path, or undefined when it is not a dependency file. */
export function readerOf(path: string): Reader | undefined {
  if (VENDORED.test(path)) return undefined;
  const file = path.split('/').pop() ?? path;
  const known = BY_NAME[file];
  if (known) return known;
  // requirements.txt, requirements-dev.txt, requirements/base.txt, requirements/prod.txt
  if (/^requirements[^/]*\.txt$/i.test(file) || /(?:^|\/)requirements\/[^/]+\.txt$/i.test(path)) return readRequirementsTxt;
  return undefined;
}

/** The manifest a lock is read with, for which packages are direct and which are dev (same directory). */
export const MANIFEST_OF_LOCK: Record<string, string> = {
  'package-lock.json': 'package.json',
  'npm-shrinkwrap.json': 'package.json',
  'yarn.lock': 'package.json',
  'pnpm-lock.yaml': 'package.json',
  'poetry.lock': 'pyproject.toml',
  'uv.lock': 'pyproject.toml',
  'Pipfile.lock': 'Pipfile',
  'go.sum': 'go.mod',
  'Gemfile.lock': 'Gemfile',
  'composer.lock': 'composer.json',
};
