/**
 * How a commit's compose stack is deployed: every active service, dependencies first, each with how its
 * image is had (built from the candidate's tree, or the engine's image by reference, never pulled), how
 * its container runs, what it waits for and mounts, and the names it is reached by. The probes target
 * one service (`main`); its container spec is the deployment's `run`.
 */
import type { ComposeHealthcheck } from '../../contract/compose/model.js';
import type { StackDependency, StackMount } from '../../contract/platforms/compose-stack.js';
import type { ContainerOverrides } from '../../docker/run-container.js';

export type { StackDependency, StackMount } from '../../contract/platforms/compose-stack.js';

export interface StackServiceSpec {
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
  /** The container ports it declares (tcp): on the host network each must be free, and no two services may share one. */
  ports: number[];
  /** compose's healthcheck; null: the image's HEALTHCHECK as it is. */
  healthcheck: ComposeHealthcheck | null;
  dependsOn: StackDependency[];
  mounts: StackMount[];
  /** compose's restart policy: `no`, `always`, `on-failure[:N]`, `unless-stopped`. */
  restart: string;
  /** Expected to exit 0 (another service waits for it with service_completed_successfully). */
  oneShot: boolean;
  /** The names other services reach it by (its own first). */
  names: string[];
  hostname?: string;
  /** `host:ip` entries of its own. */
  extraHosts: string[];
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
