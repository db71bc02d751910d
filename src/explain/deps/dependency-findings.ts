/** Package changes as findings, for the catalogue of failure patterns to link (kind `dependency`). */
import type { Finding } from '../finding.js';
import { describeChange } from './describe-changes.js';
import type { PackageChange } from './types.js';

export function dependencyFindings(changes: readonly PackageChange[]): Finding[] {
  return changes.map((change) => {
    const source = change.sources[0];
    return {
      kind: 'dependency',
      stage: '(file)',
      instruction: source?.path ?? change.ecosystem,
      ...(source ? { path: source.path } : {}),
      ...(change.from !== undefined ? { before: change.from } : {}),
      ...(change.to !== undefined ? { after: change.to } : {}),
      ...(source?.lineBefore !== undefined ? { lineBefore: source.lineBefore } : {}),
      ...(source?.lineAfter !== undefined ? { lineAfter: source.lineAfter } : {}),
      dependency: change,
      summary: describeChange(change),
    };
  });
}
