/**
 * A stage of the old Dockerfile matched with its counterpart in the new one. Stages are matched
 * by name (`AS name`), else by index; a stage that only gained or lost a name keeps its match by
 * index. The instructions before the first FROM of both form one more pair, labelled '(global)'.
 */
import type { DockerInstruction, DockerStage } from './model.js';

export interface StagePair {
  /** The stage as findings name it: its name, else its index; '(global)' for the preamble. */
  label: string;
  before: DockerStage;
  after: DockerStage;
}

/** A stage of either side with its counterpart, if it has one. */
export interface StageMatch {
  before?: DockerStage;
  after?: DockerStage;
}

/** The label of the preamble: the instructions before the first FROM. */
export const GLOBAL_STAGE = '(global)';

/** The preambles (normally global ARGs) of both Dockerfiles, as a pair of stages. */
export function preamblePair(before: DockerInstruction[], after: DockerInstruction[]): StagePair {
  return {
    label: GLOBAL_STAGE,
    before: { index: -1, key: GLOBAL_STAGE, image: '', line: 0, instructions: before },
    after: { index: -1, key: GLOBAL_STAGE, image: '', line: 0, instructions: after },
  };
}

/**
 * By name first; then by index for stages left over where one side has no name. Then the new
 * stages left over (added), then the old ones (removed).
 */
export function matchStages(before: DockerStage[], after: DockerStage[]): StageMatch[] {
  const matches: StageMatch[] = [];
  const unmatchedBefore = new Set(before);
  const unmatchedAfter = new Set(after);
  for (const a of after) {
    const b = before.find((s) => unmatchedBefore.has(s) && s.key === a.key);
    if (b) {
      matches.push({ before: b, after: a });
      unmatchedBefore.delete(b);
      unmatchedAfter.delete(a);
    }
  }
  for (const a of [...unmatchedAfter]) {
    const b = [...unmatchedBefore].find((s) => s.index === a.index && (s.name === undefined || a.name === undefined));
    if (b) {
      matches.push({ before: b, after: a });
      unmatchedBefore.delete(b);
      unmatchedAfter.delete(a);
    }
  }
  for (const a of unmatchedAfter) matches.push({ after: a });
  for (const b of unmatchedBefore) matches.push({ before: b });
  return matches;
}
