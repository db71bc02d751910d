/**
 * How a commit's compose stack is deployed: every active service, dependencies first, each with how its
 * image is had (built from the candidate's tree, or the engine's image by reference, never pulled), how
 * its container runs, what it waits for and mounts, and the names it is reached by. The probes target
 * one service (`main`); its container spec is the deployment's `run`.
 */
import type { StackServiceContract } from '../../contract/platforms/compose-stack.js';
import type { ContainerOverrides } from '../../docker/run-container.js';

/**
 * What the container waits for, declares, mounts and is reached by, as the contract read it: its ports
 * (on the host network each must be free, and no two services may share one), its healthcheck (null: the
 * image's), its dependencies and mounts, compose's restart policy, whether it is expected to exit 0, its
 * names (its own first) and hosts.
 */
type ServiceRunFacts = Pick<
  StackServiceContract,
  'ports' | 'healthcheck' | 'dependsOn' | 'mounts' | 'restart' | 'oneShot' | 'names' | 'hostname' | 'extraHosts'
>;

export interface StackServiceSpec extends ServiceRunFacts {
  name: string;
  image:
    | {
        kind: 'build';
        /** The build context (from the repository root) and the Dockerfile relative to it. */
        context: { contextDir: string; dockerfile: string };
        build: { buildArg: Readonly<Record<string, string>>; target?: string };
      }
    | { kind: 'image'; ref: string };
  /** `KEY=VALUE`, each key once. */
  env: string[];
  overrides?: ContainerOverrides;
}

export interface StackSpec {
  /** The compose file followed (the first one). */
  manifest: string;
  /** Dependencies first. */
  services: StackServiceSpec[];
  /** The service the probes target. */
  main: string;
  /** The project's named volumes the services mount: fresh for each candidate. */
  volumes: string[];
  /** Repository paths whose change changes the stack: its files, build contexts, Dockerfiles, mounted paths. */
  watch: string[];
}
