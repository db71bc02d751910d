/**
 * Directories created explicitly by RUN (`mkdir`, `install -d`), old versus new.
 *
 * What is true: a directory the new Dockerfile no longer mkdirs may still exist, because
 * - another mkdir creates it or something below it (`mkdir -p /app/logs/nginx`),
 * - WORKDIR creates it (WORKDIR /app/logs, or anything below it),
 * - COPY/ADD creates it as the destination directory or a parent of the destination,
 * - VOLUME creates it.
 * Those are not reported. (Ownership may still differ: WORKDIR and COPY create directories as
 * root. Nor can we know whether a copied directory tree brings it: `COPY backend/ /app/` may
 * or may not contain logs/ — that depends on the build context, so /app/logs is reported.)
 * Symmetrically, a newly mkdir'ed directory that already existed that way is not reported.
 */
import { posix } from 'node:path';

import { splitWords } from '../dockerfile/argument-words.js';
import { copyEntries } from '../dockerfile/copy-entries.js';
import { extractCreatedDirectories } from '../dockerfile/created-directories.js';
import type { DockerStage } from '../dockerfile/model.js';
import { runScript } from '../dockerfile/run-script.js';
import type { Finding } from '../finding.js';
import type { DiffRule } from './diff-rule.js';
import { where } from './where.js';

interface Explicit {
  how: string;
  line: number;
}

function explicitDirectories(stage: DockerStage): Map<string, Explicit> {
  const dirs = new Map<string, Explicit>();
  for (const ins of stage.instructions) {
    if (ins.keyword !== 'RUN') continue;
    for (const dir of extractCreatedDirectories(runScript(ins), ins.workdir)) {
      if (!dirs.has(dir.path)) dirs.set(dir.path, { how: dir.how, line: ins.line });
    }
  }
  return dirs;
}

/** Every directory the stage's instructions make exist, with all their parents. */
function existingDirectories(stage: DockerStage, explicit: Map<string, Explicit>): Set<string> {
  const existing = new Set<string>();
  const add = (path: string): void => {
    if (!path.startsWith('/')) {
      existing.add(path);
      return;
    }
    for (let p = posix.resolve(path); ; p = posix.dirname(p)) {
      existing.add(p);
      if (p === '/') break;
    }
  };
  for (const path of explicit.keys()) add(path);
  for (const ins of stage.instructions) {
    if (ins.keyword === 'WORKDIR' && ins.text !== '') add(posix.resolve(ins.workdir, ins.text));
    if (ins.keyword === 'VOLUME') for (const v of ins.exec ?? splitWords(ins.text)) add(posix.resolve(ins.workdir, v));
  }
  for (const copy of copyEntries(stage)) {
    if (copy.dest.endsWith('/') || copy.sources.length > 1) add(copy.dest);
    else add(posix.dirname(copy.dest));
  }
  return existing;
}

export const diffDirectories: DiffRule = (pair) => {
  const before = explicitDirectories(pair.before);
  const after = explicitDirectories(pair.after);
  const existedBefore = existingDirectories(pair.before, before);
  const existsAfter = existingDirectories(pair.after, after);
  const findings: Finding[] = [];
  for (const [path, old] of before) {
    if (existsAfter.has(path)) continue;
    findings.push({
      kind: 'directory-no-longer-created',
      stage: pair.label,
      instruction: 'RUN',
      path,
      before: path,
      lineBefore: old.line,
      summary: `directory ${path} is no longer created ${where(pair.label, old.line, undefined, old.how)}`,
    });
  }
  for (const [path, now] of after) {
    if (existedBefore.has(path)) continue;
    findings.push({
      kind: 'directory-created',
      stage: pair.label,
      instruction: 'RUN',
      path,
      after: path,
      lineAfter: now.line,
      summary: `directory ${path} is now created ${where(pair.label, undefined, now.line, now.how)}`,
    });
  }
  return findings;
};
