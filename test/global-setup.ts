/**
 * Once per test run: build the busybox base image on the test engine, so parallel test files
 * do not race to build it. An unreachable engine is not an error here: each Docker test then
 * fails on its own with the reason (requireEngine), and the pure tests still run.
 */
import { dockerClient, ensureBaseImage } from './helpers/docker-engine.js';

export default async function setup(): Promise<void> {
  const docker = dockerClient();
  try {
    await docker.ping();
  } catch {
    return;
  }
  await ensureBaseImage(docker);
}
