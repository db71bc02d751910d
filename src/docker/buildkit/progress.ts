/**
 * A BuildKit build's progress, from its status stream: the steps (vertices) as they start, are
 * cached, fail or finish, and their output, as lines like `docker build --progress=plain` prints
 * them (`#5 [2/6] RUN npm ci`, `#5 npm WARN …`, `#5 ERROR: …`), plus the current step and, on a
 * failure, the failing step with its last lines of output.
 */
import type { StatusResponse, StatusVertex } from './protos.js';

interface Step {
  number: number;
  name: string;
  started: boolean;
  done: boolean;
  error?: string;
  /** The last lines it printed. */
  tail: string[];
}

/** A step of the Dockerfile (`[2/6] RUN …`, `[build 3/5] COPY …`), as opposed to BuildKit's own (`[internal] load …`). */
const DOCKERFILE_STEP = /^\[(?:\S+ )?\d+\/\d+\] /;
const TAIL_LINES = 20;

export interface FailedStep {
  name: string;
  error: string;
  tail: string[];
}

export class BuildkitProgress {
  readonly output: string[] = [];
  private readonly steps = new Map<string, Step>();

  constructor(
    private readonly onLine?: (line: string) => void,
    /** A Dockerfile step started (`[2/6] RUN npm ci`). */
    private readonly onStep?: (name: string) => void,
  ) {}

  add(status: StatusResponse): void {
    for (const vertex of status.vertexes ?? []) this.vertex(vertex);
    for (const log of status.logs ?? []) {
      const step = this.steps.get(log.vertex);
      if (!step) continue;
      for (const line of Buffer.from(log.msg).toString('utf8').split(/\r?\n/)) {
        if (line.trim() === '') continue;
        step.tail.push(line);
        if (step.tail.length > TAIL_LINES) step.tail.shift();
        this.emit(`#${step.number} ${line}`);
      }
    }
  }

  /** The step that failed (a Dockerfile step first), with its error and last lines. */
  failed(): FailedStep | undefined {
    const failing = [...this.steps.values()].filter((s) => s.error !== undefined);
    const step = failing.find((s) => DOCKERFILE_STEP.test(s.name)) ?? failing[0];
    return step ? { name: step.name, error: step.error!, tail: [...step.tail] } : undefined;
  }

  private vertex(vertex: StatusVertex): void {
    let step = this.steps.get(vertex.digest);
    if (!step) {
      step = { number: this.steps.size + 1, name: vertex.name ?? vertex.digest, started: false, done: false, tail: [] };
      this.steps.set(vertex.digest, step);
    }
    if (vertex.name) step.name = vertex.name;
    if (vertex.started && !step.started) {
      step.started = true;
      this.emit(`#${step.number} ${step.name}`);
      if (DOCKERFILE_STEP.test(step.name)) this.onStep?.(step.name);
    }
    if (vertex.cached && !step.done) this.emit(`#${step.number} CACHED`);
    if (vertex.error && step.error === undefined) {
      step.error = vertex.error;
      this.emit(`#${step.number} ERROR: ${vertex.error}`);
    }
    if (vertex.completed || vertex.cached) step.done = true;
  }

  private emit(line: string): void {
    this.output.push(line);
    this.onLine?.(line);
  }
}
