import type { Finding } from '../finding.js';
import type { StagePair } from '../dockerfile/stage-pair.js';

/** What every rule is: the findings of one kind of change between a stage and its counterpart. */
export type DiffRule = (pair: StagePair) => Finding[];
