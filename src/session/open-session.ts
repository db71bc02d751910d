import { randomBytes } from 'node:crypto';
import { connectEngine, type Engine } from '../docker/engine.js';
import { ResourceTracker } from '../docker/resource-tracker.js';
import { UsageError } from '../errors.js';
import type { SessionEvents } from './events.js';
import { Evaluator, type EvaluatorOptions } from './evaluator.js';

export interface OpenSession {
  sessionId: string;
  engine: Engine;
  tracker: ResourceTracker;
  evaluator: Evaluator;
}

/** Lines of container (or build) output kept with each outcome. */
export const LOG_TAIL_LINES = 20;

/** Connects to the engine, checks the container network exists, and sets up the evaluator. */
export async function openSession(
  options: Omit<EvaluatorOptions, 'logLines'> & { dockerHost?: string },
  events: SessionEvents,
): Promise<OpenSession> {
  const engine = await connectEngine(options.dockerHost);
  if (options.network !== 'host' && options.network !== 'none') {
    try {
      await engine.docker.getNetwork(options.network).inspect();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      throw new UsageError(
        `the Docker engine at ${engine.endpoint} has no network '${options.network}' (is dockerd running with --bridge=none?): use --network host or --network none`,
      );
    }
  }
  const sessionId = randomBytes(4).toString('hex');
  const tracker = new ResourceTracker(engine.docker, sessionId);
  const evaluator = new Evaluator(engine.docker, tracker, { ...options, logLines: LOG_TAIL_LINES }, events);
  return { sessionId, engine, tracker, evaluator };
}
