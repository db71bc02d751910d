/** A finding about a deployment manifest: stage '(manifest)', the instruction being the manifest key. */
import type { Finding, FindingKind } from '../finding.js';

/** A finding of the manifest `path`; `key` is the manifest key it is about. */
export function manifestFinding(
  kind: FindingKind,
  path: string,
  key: string,
  before: string | undefined,
  after: string | undefined,
  summary: string,
): Finding {
  return {
    kind,
    stage: '(manifest)',
    instruction: key,
    path,
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
    summary,
  };
}
