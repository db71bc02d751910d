/**
 * A BuildKit build's progress, from its status stream: the steps (vertices) as they start, are
 * cached, fail or finish, and their output, as lines like `docker build --progress=plain` prints
 * them (`#5 [2/6] RUN npm ci`, `#5 npm WARN …`, `#5 ERROR: …`), plus the current step and, on a
 * failure, the failing step with its last lines of output.
 */
import { cleanText } from '../../text/clean-text.js';
import { LineSplitter } from '../../text/line-splitter.js';
import type { StatusLog, StatusResponse, StatusVertex } from './protos.js';

interface Step {
  number: number;
  name: string;
  started: boolean;
  done: boolean;
  error?: string;
  /** The last lines it printed, clean. */
  tail: string[];
  /** Its output so far, per stream (stdout, stderr): a log message holds any piece of it, not whole lines. */
  streams: Map<number, LineSplitter>;
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
  /** The lines so far, clean (cleanText). */
  readonly output: string[] = [];
  private readonly steps = new Map<string, Step>();

  constructor(
    /** Each line as it is complete, as printed (escape codes kept). */
    private readonly onLine?: (line: string) => void,
    /** A Dockerfile step started (`[2/6] RUN npm ci`). */
    private readonly onStep?: (name: string) => void,
  ) {}

  /** One status message: steps that start, their output, steps that end (an ending step's last output before its end). */
  add(status: StatusResponse): void {
    const vertexes = status.vertexes ?? [];
    for (const vertex of vertexes) this.begin(vertex);
    for (const log of status.logs ?? []) this.log(log);
    for (const vertex of vertexes) this.finish(vertex);
  }

  /** The build's stream ended: output lines left without their `\n` are lines too. */
  end(): void {
    for (const step of this.steps.values()) this.flush(step);
  }

  /** The step that failed (a Dockerfile step first), with its error and last lines. */
  failed(): FailedStep | undefined {
    const failing = [...this.steps.values()].filter((s) => s.error !== undefined);
    const step = failing.find((s) => DOCKERFILE_STEP.test(s.name)) ?? failing[0];
    return step ? { name: step.name, error: step.error!, tail: [...step.tail] } : undefined;
  }

  private begin(vertex: StatusVertex): void {
    let step = this.steps.get(vertex.digest);
    if (!step) {
      const name = cleanText(vertex.name ?? vertex.digest);
      step = { number: this.steps.size + 1, name, started: false, done: false, tail: [], streams: new Map() };
      this.steps.set(vertex.digest, step);
    }
    if (vertex.name) step.name = cleanText(vertex.name);
    if (vertex.started && !step.started) {
      step.started = true;
      this.emit(`#${step.number} ${step.name}`);
      if (DOCKERFILE_STEP.test(step.name)) this.onStep?.(step.name);
    }
    if (vertex.cached && !step.done) this.emit(`#${step.number} CACHED`);
  }

  private log(log: StatusLog): void {
    const step = this.steps.get(log.vertex);
    if (!step) return;
    const stream = log.stream ?? 1;
    let splitter = step.streams.get(stream);
    if (!splitter) step.streams.set(stream, (splitter = new LineSplitter()));
    for (const line of splitter.push(log.msg)) this.printed(step, line);
  }

  private finish(vertex: StatusVertex): void {
    const step = this.steps.get(vertex.digest)!;
    if (vertex.error || vertex.completed) this.flush(step);
    if (vertex.error && step.error === undefined) {
      step.error = cleanText(vertex.error);
      this.emit(`#${step.number} ERROR: ${step.error}`);
    }
    if (vertex.completed || vertex.cached) step.done = true;
  }

  private flush(step: Step): void {
    for (const splitter of step.streams.values()) for (const line of splitter.end()) this.printed(step, line);
  }

  /** A line the step printed: kept clean, passed on as printed. */
  private printed(step: Step, printed: string): void {
    const line = cleanText(printed);
    if (line.trim() === '') return;
    step.tail.push(line);
    if (step.tail.length > TAIL_LINES) step.tail.shift();
    this.emit(`#${step.number} ${line}`, `#${step.number} ${printed}`);
  }

  private emit(line: string, printed = line): void {
    this.output.push(line);
    this.onLine?.(printed);
  }
}
