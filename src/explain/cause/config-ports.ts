/**
 * Ports named in configuration files the commit changed (`listen 80;` → `listen 8080;`,
 * `"port": 80` → `"port": 8080`), as `config-file` findings for the catalogue to link: read from the
 * diffs of the small text files sent to the builder. The Dockerfile itself is left to the diff rules.
 */
import type { FileChange } from '../files/file-change.js';
import type { Finding } from '../finding.js';
import { portsIn } from './ports-in.js';

/** Prose and lock files: a port named there configures nothing. */
const DOCUMENTS =
  /\.(?:md|markdown|rst|txt|adoc|html?)$|(?:^|\/)(?:CHANGELOG|LICENSE|NOTICE)[^/]*$|(?:package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|Gemfile\.lock|go\.sum)$/i;

/** Lines the diff removed and added (without the markers), headers left out. */
function changedLines(diff: string): { removed: string[]; added: string[] } {
  const removed: string[] = [];
  const added: string[] = [];
  for (const line of diff.split('\n')) {
    if (line.startsWith('---') || line.startsWith('+++')) continue;
    if (line.startsWith('-')) removed.push(line.slice(1).trim());
    else if (line.startsWith('+')) added.push(line.slice(1).trim());
  }
  return { removed, added };
}

/** One finding per removed line naming a port, with the added line naming a port that took its place (if any). */
export function configPortFindings(files: readonly FileChange[], dockerfile: string): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    if (!file.diff || file.path === dockerfile || file.path.endsWith(`/${dockerfile}`) || DOCUMENTS.test(file.path)) continue;
    const { removed, added } = changedLines(file.diff);
    const withPorts = added.filter((line) => portsIn(line).size > 0);
    for (const before of removed.filter((line) => portsIn(line).size > 0)) {
      const after = withPorts.shift();
      findings.push({
        kind: 'config-file',
        stage: '(file)',
        instruction: file.path,
        path: file.path,
        before,
        ...(after !== undefined ? { after } : {}),
        summary: `${file.path}: ${before} → ${after ?? '(removed)'}`,
      });
    }
  }
  return findings;
}
