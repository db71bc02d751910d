import type { ComposeProject } from '../contract/compose/model.js';
import type { DeploymentContract } from '../contract/contract.js';
import { ContextPlanner } from '../git/context-planner.js';
import { configPortFindings } from './cause/config-ports.js';
import { findLikelyCauses, unexplainedEvidence, type LikelyCause } from './cause/likely-cause.js';
import { FAILURE_PATTERNS } from './cause/patterns.js';
import { dependencyFindings } from './deps/dependency-findings.js';
import { readLinkContext } from './deps/link-context.js';
import { readDependencyChanges } from './deps/read-dependencies.js';
import type { PackageChange } from './deps/types.js';
import { diffDockerfiles } from './dockerfile-diff.js';
import { contextChanges } from './files/context-changes.js';
import type { ContextChanges } from './files/file-change.js';
import { omissionNotes } from './files/omission-notes.js';
import type { Finding } from './finding.js';
import { contractFindings } from './manifest/contract-findings.js';
import { stackFindings } from './manifest/stack-diff.js';

export interface ExplainSpec {
  repoDir: string;
  /** The commit that worked (a culprit's parent, or `good`). */
  before: string;
  /** The commit that broke (the culprit, or `bad`). */
  after: string;
  contextDir: string;
  dockerfile: string;
  target?: string;
  /** The plans of these commits, where a search made them already (else they are made here). */
  planner?: ContextPlanner;
  /** The platform contracts the two commits were deployed by, where a manifest was (what changed in it is a finding too). */
  contracts?: { before?: DeploymentContract; after?: DeploymentContract };
  /**
   * The compose stacks the two commits were deployed as, where they were (normalised projects): what
   * changed in them, service by service and key by key, stands for the main service's contract findings.
   */
  stacks?: { before?: ComposeProject; after?: ComposeProject };
  /** Nothing is built from the repository (a stack of published images): a missing Dockerfile is no news. */
  imageless?: boolean;
}

/** What changed in the deployment between two commits, and (with evidence) what likely broke it. */
export interface Explanation {
  before: string;
  after: string;
  /** Semantic differences of the Dockerfiles, the built (target or last) stage first. */
  findings: Finding[];
  /** Changed files: sent to the builder, ignored by .dockerignore, outside the context. */
  files: ContextChanges;
  /**
   * Packages that changed in the manifests and lock files the commits changed (direct ones first).
   * Always set by explainChange; absent in explanations saved before it read them.
   */
  dependencies?: PackageChange[];
  /** Findings the failing commit's own output points at (empty without evidence, or when nothing is supported). */
  likelyCauses: LikelyCause[];
  /** Things worth knowing, e.g. a side without a Dockerfile. */
  notes: string[];
}

/** Reads everything from git objects: works without Docker. */
export async function explainChange(spec: ExplainSpec, evidence: readonly string[] = []): Promise<Explanation> {
  const notes: string[] = [];
  const planner = spec.planner ?? new ContextPlanner({ repoDir: spec.repoDir, contextDir: spec.contextDir, dockerfile: spec.dockerfile });
  const dockerfileAt = async (commit: string): Promise<string> => {
    const result = await planner.plan(commit);
    if ('planned' in result) return result.planned.dockerfileText;
    if (!spec.imageless) notes.push(result.missing.message);
    return '';
  };
  const [beforeText, afterText, files, dependencies] = await Promise.all([
    dockerfileAt(spec.before),
    dockerfileAt(spec.after),
    contextChanges({
      repoDir: spec.repoDir,
      before: spec.before,
      after: spec.after,
      contextDir: spec.contextDir,
      dockerfile: spec.dockerfile,
      planner,
    }),
    readDependencyChanges(spec.repoDir, spec.before, spec.after),
  ]);
  notes.push(...omissionNotes(files), ...dependencies.notes);
  const findings = [
    ...diffDockerfiles(beforeText, afterText, spec.target ? { targetBefore: spec.target, targetAfter: spec.target } : undefined),
    ...manifestFindings(spec),
  ];
  // Ports in the configuration files sent to the builder, and package changes, can explain the output too.
  const linkable =
    evidence.length > 0
      ? [...findings, ...configPortFindings(files.inContext, spec.dockerfile), ...dependencyFindings(dependencies.changes)]
      : findings;
  const context =
    evidence.length > 0
      ? await readLinkContext(
          { repoDir: spec.repoDir, commit: spec.after, contextDir: spec.contextDir, dockerfileText: afterText },
          evidence,
        )
      : {};
  const likelyCauses = findLikelyCauses(linkable, evidence, FAILURE_PATTERNS, context);
  // When the output says what happened and no change is known to cause it, say so rather than guess.
  const unexplained = unexplainedEvidence(linkable, evidence, context);
  if (unexplained) notes.push(`No change in this commit is known to cause "${unexplained.line}"; the findings below are what changed.`);
  return { before: spec.before, after: spec.after, findings, files, dependencies: dependencies.changes, likelyCauses, notes };
}

/**
 * The manifest's findings: a stack's per service and key, with the port its probes target (which the
 * port patterns read); else the contract's.
 */
function manifestFindings(spec: ExplainSpec): Finding[] {
  const contract = contractFindings(spec.contracts?.before, spec.contracts?.after);
  if (!spec.stacks?.before && !spec.stacks?.after) return contract;
  return [...stackFindings(spec.stacks.before, spec.stacks.after), ...contract.filter((f) => f.kind === 'manifest-port')];
}
