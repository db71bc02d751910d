/**
 * One candidate's stack on one engine, brought up as `docker compose up` would: its network (on an
 * engine network of its own, every service reached by its names; on the host network, each name
 * resolving to 127.0.0.1), its volumes fresh, each service started once what it depends on is as its
 * condition asks. Every object carries the session's labels and goes in `down()`.
 */
import type Docker from 'dockerode';

import type { ImageFacts } from '../../../docker/engine-adapter.js';
import type { Lane } from '../../../docker/engine-pool.js';
import { resourceLabels } from '../../../docker/labels.js';
import { LogWatcher } from '../../../docker/log-watcher.js';
import type { RunningContainer } from '../../../docker/run-container.js';
import { createStackNetwork, createStackVolume, putFiles } from '../../../docker/stack-objects.js';
import { treeEntries, treeTar } from '../../../git/tree-tar.js';
import { resourceLimits } from '../../../options/derived.js';
import type { Clock } from '../../../probes/clock.js';
import type { StackServiceSpec } from '../../deploy/stack-spec.js';
import type { RunSettings } from '../container-run.js';
import { startFailure } from '../start-failure.js';
import type { ServiceHealth } from './service-health.js';
import { judge, stateOf, timedOut, type Want } from './service-state.js';

/** The label naming a stack container's service. */
const LABEL_SERVICE = 'deploybisect.service';
/** Readiness is looked at this often, as `docker compose up --wait` does. */
export const STACK_POLL_MS = 500;

export interface ServiceRun {
  spec: StackServiceSpec;
  imageId: string;
  image: ImageFacts;
  health: ServiceHealth;
  running?: RunningContainer;
  startedAt?: number;
}

/** Why the stack did not come up: the service at fault, in a stable line, and compose's own words for it. */
export interface StackFailure {
  service: string;
  reason: string;
  /** The service waiting for it, and the condition it waited with. */
  dependent?: { service: string; condition: string };
}

export interface StackContext {
  lane: Lane;
  sha: string;
  repoDir: string;
  sessionId: string;
  /** Tells this stack's objects from others of the session (the commit and a sequence number). */
  tag: string;
  settings: RunSettings;
  clock: Clock;
  redact: (text: string) => string;
  /** The main service's ports to publish on 127.0.0.1 (a network of its own only). */
  publish: number[];
  main: string;
  /** --verbose: each service's lines as printed, `db | …`. */
  onLine?: (line: string) => void;
}

interface Target {
  run: ServiceRun;
  want: Want;
  why: string;
  optional: boolean;
  dependent?: { service: string; condition: string };
}

const CONDITION_WANT: Record<string, Want> = {
  service_started: 'started',
  service_healthy: 'healthy',
  service_completed_successfully: 'completed',
};

export class StackInstance {
  readonly services: ServiceRun[];
  private network: { id: string; name: string } | undefined;
  private readonly volumes = new Map<string, string>();
  private readonly watchers: LogWatcher[] = [];

  constructor(
    private readonly ctx: StackContext,
    services: ServiceRun[],
  ) {
    this.services = services;
  }

  private get host(): boolean {
    return this.ctx.settings.network === 'host';
  }

  private get labels(): Record<string, string> {
    return resourceLabels(this.ctx.sessionId, this.ctx.sha);
  }

  private name(suffix = ''): string {
    return `deploybisect-${this.ctx.sessionId}-${this.ctx.tag}${suffix ? `-${suffix.replace(/[^A-Za-z0-9_.-]/g, '_')}` : ''}`;
  }

  service(name: string): ServiceRun {
    return this.services.find((s) => s.spec.name === name)!;
  }

  /** Starts every service, dependencies first; then waits as `up --wait` does. The first failure, or none. */
  async up(deadline: number, signal?: AbortSignal): Promise<StackFailure | undefined> {
    const { lane } = this.ctx;
    if (!this.host) {
      const name = this.name();
      this.network = { id: await createStackNetwork(lane.engine, name, this.labels), name };
      lane.tracker.addNetwork(this.network.id);
    }
    for (const run of this.services) {
      const waits = run.spec.dependsOn.map((d): Target => ({
        run: this.service(d.service),
        want: CONDITION_WANT[d.condition] ?? 'started',
        why: 'not started',
        optional: !d.required,
        dependent: { service: run.spec.name, condition: d.condition },
      }));
      const failed = (await this.waitFor(waits, deadline, signal)) ?? (await this.start(run));
      if (failed) return failed;
    }
    const everyone = this.services.map((run): Target => ({
      run,
      want: run.spec.oneShot ? 'completed' : 'up',
      why: 'not started',
      optional: false,
    }));
    return this.waitFor(everyone, deadline, signal);
  }

  /** Polls the targets until each is as wanted, one fails, or the deadline passes. */
  private async waitFor(targets: Target[], deadline: number, signal?: AbortSignal): Promise<StackFailure | undefined> {
    const { clock } = this.ctx;
    const pending = new Set(targets);
    const nextCheck = new Map<ServiceRun, number>();
    for (;;) {
      signal?.throwIfAborted();
      for (const target of [...pending]) {
        const { run } = target;
        if (!run.running) continue;
        await this.driveCheck(run, nextCheck);
        const info = await run.running.container.inspect();
        const judged = judge(stateOf(info), target.want, clock.now() - (run.startedAt ?? 0), run.health.tolerance);
        if (judged.kind === 'ready') pending.delete(target);
        else if (judged.kind === 'pending') target.why = judged.why;
        else if (target.optional) pending.delete(target);
        else return { service: run.spec.name, reason: judged.reason, ...(target.dependent ? { dependent: target.dependent } : {}) };
      }
      if (pending.size === 0) return undefined;
      if (clock.now() >= deadline) {
        const late = [...pending][0]!;
        return {
          service: late.run.spec.name,
          reason: timedOut(late.want, late.why),
          ...(late.dependent ? { dependent: late.dependent } : {}),
        };
      }
      await clock.sleep(Math.min(STACK_POLL_MS, Math.max(1, deadline - clock.now())));
    }
  }

  /** On Podman (no systemd timers), the service's check is run by us at its pace. */
  private async driveCheck(run: ServiceRun, next: Map<ServiceRun, number>): Promise<void> {
    const driver = run.health.checks
      ? this.ctx.lane.adapter.healthcheckDriver(run.running!.id, run.health.config, run.health.config)
      : undefined;
    if (!driver) return;
    const now = this.ctx.clock.now();
    if (now < (next.get(run) ?? (run.startedAt ?? 0) + driver.intervalMs)) return;
    next.set(run, now + driver.intervalMs);
    await driver.run().catch(() => undefined);
  }

  private async start(run: ServiceRun): Promise<StackFailure | undefined> {
    const { lane, sha, settings, clock } = this.ctx;
    const spec = run.spec;
    try {
      const binds = await this.mountBinds(spec);
      run.running = await lane.adapter.start({
        image: run.imageId,
        name: this.name(spec.name),
        labels: { ...this.labels, [LABEL_SERVICE]: spec.name },
        env: spec.env,
        ...(spec.overrides ? { overrides: spec.overrides } : {}),
        networkMode: this.network ? this.network.name : 'host',
        publish: spec.name === this.ctx.main && this.network ? this.ctx.publish : [],
        limits: resourceLimits(settings),
        ...(settings.imagePlatform ? { platform: settings.imagePlatform } : {}),
        ...(run.health.config ? { healthcheck: run.health.config } : {}),
        stack: {
          ...(this.network ? { network: { name: this.network.name, aliases: spec.names } } : {}),
          extraHosts: [...(this.host ? this.hostNames() : []), ...spec.extraHosts],
          binds,
          tmpfs: spec.mounts.flatMap((m) => (m.kind === 'tmpfs' ? [m.target] : [])),
          restart: spec.restart,
          ...(spec.hostname ? { hostname: spec.hostname } : {}),
          beforeStart: (container) => this.putTrees(spec, container),
        },
      });
    } catch (error) {
      const failed = await startFailure(lane, sha, error, this.ctx.redact, `the ${spec.name} service`);
      return { service: spec.name, reason: failed.signature };
    }
    run.startedAt = clock.now();
    lane.tracker.addContainer(run.running.id);
    this.follow(run);
    return undefined;
  }

  /** On the host network every service's names resolve to 127.0.0.1, where it listens. */
  private hostNames(): string[] {
    return [...new Set(this.services.flatMap((s) => s.spec.names))].map((name) => `${name}:127.0.0.1`);
  }

  /** The volumes the service mounts, made fresh (and labelled) the first time the stack needs each. */
  private async mountBinds(spec: StackServiceSpec): Promise<string[]> {
    const binds: string[] = [];
    for (const [i, mount] of spec.mounts.entries()) {
      if (mount.kind !== 'volume' && mount.kind !== 'anonymous') continue;
      const key = mount.kind === 'volume' ? `volume ${mount.volume}` : `${spec.name} anonymous ${i}`;
      let name = this.volumes.get(key);
      if (name === undefined) {
        name = await createStackVolume(this.ctx.lane.engine.docker, this.name(key.replace(/ /g, '-')), this.labels);
        this.volumes.set(key, name);
        this.ctx.lane.tracker.addVolume(name);
      }
      binds.push(`${name}:${mount.target}${mount.readOnly ? ':ro' : ''}`);
    }
    return binds;
  }

  /** Repository paths the service mounts, put into its container from the candidate's own tree. */
  private async putTrees(spec: StackServiceSpec, container: Docker.Container): Promise<void> {
    for (const mount of spec.mounts) {
      if (mount.kind !== 'tree') continue;
      const entries = await treeEntries(this.ctx.repoDir, this.ctx.sha, mount.path, mount.target.replace(/^\/+/, ''));
      await putFiles(container, treeTar(this.ctx.repoDir, entries));
    }
  }

  private follow(run: ServiceRun): void {
    const onLine = this.ctx.onLine;
    if (!onLine || !run.running || run.spec.name === this.ctx.main) return;
    const watcher = LogWatcher.follow(run.running.container, this.ctx.redact);
    watcher.onPrinted((line) => onLine(`${run.spec.name} | ${line}`));
    this.watchers.push(watcher);
  }

  /** Removes every container (with its anonymous volumes), then the network and the volumes. Never throws. */
  async down(): Promise<void> {
    const { tracker } = this.ctx.lane;
    for (const watcher of this.watchers) watcher.stop();
    for (const run of [...this.services].reverse()) {
      if (run.running) await tracker.removeContainer(run.running.id).catch(() => undefined);
    }
    if (this.network) await tracker.removeNetwork(this.network.id);
    for (const name of this.volumes.values()) await tracker.removeVolume(name);
  }
}
