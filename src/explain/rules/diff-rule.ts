import type { StagePair } from '../dockerfile/stage-pair.js';
import type { Finding } from '../finding.js';

/** What every rule is: the findings of one kind of change between a stage and its counterpart. */
export type DiffRule = (pair: StagePair) => Finding[];
