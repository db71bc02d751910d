import { describe, expect, it } from 'vitest';

import { resourceError, resourceFailure } from '../../src/docker/resource-failure.js';
import { InfrastructureError } from '../../src/errors.js';

describe('resource failures: the engine ran out of something, the commit is not to blame', () => {
  it.each([
    [
      'classic builder, a layer',
      'failed to register layer: Error processing tar file(exit status 1): write /app/blob: no space left on device',
      'disk',
    ],
    ['the context upload', 'Error response from daemon: write /var/lib/docker/tmp/docker-builder123/blob: no space left on device', 'disk'],
    ['BuildKit', 'failed to copy files: copy file range failed: no space left on device', 'disk'],
    ['a Node error code', 'Error: ENOSPC: no space left on device, write', 'disk'],
    ['a BuildKit RUN on a full ext4 under overlayfs (busybox)', '#5 head: standard output: I/O error', 'disk'],
    ['a BuildKit RUN on a full disk (coreutils)', "#7 cp: error writing '/app/blob': Input/output error", 'disk'],
    ['a quota', 'write /var/lib/docker/overlay2/x/diff/blob: disk quota exceeded', 'disk'],
    [
      'the engine starting a container without memory',
      'OCI runtime create failed: container_linux.go:380: starting container process caused: process_linux.go:545: container init caused: cannot allocate memory: unknown',
      'memory',
    ],
    ['fork under memory pressure', 'fork/exec /usr/bin/containerd-shim-runc-v2: resource temporarily unavailable', 'memory'],
    [
      'containerd gone',
      'failed to create task for container: failed to create shim task: connection error: desc = "transport: Error while dialing dial unix /run/containerd/containerd.sock: connect: connection refused": unavailable',
      'engine',
    ],
  ])('%s', (_what, text, kind) => {
    expect(resourceFailure(`Step 3/5 : RUN make\n${text}\n`)).toMatchObject({ kind, line: text });
  });

  it.each([
    'OOM killed (memory limit 32 MiB)',
    'container exited with code 137',
    'java.lang.OutOfMemoryError: Java heap space',
    'MemoryError',
    "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
    'COPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: file does not exist',
    'healthcheck unhealthy',
  ])('is not a resource failure: %s', (text) => {
    expect(resourceFailure(text)).toBeUndefined();
  });

  it('an I/O error on a nearly full disk is the full disk; on a roomy one, an I/O error', () => {
    const failure = resourceFailure('#5 head: standard output: I/O error')!;
    const at = (freeMiB: number) =>
      resourceError(failure, 'unix:///d.sock', 'building 3d517677a2ee', {
        path: '/var/lib/docker',
        freeBytes: freeMiB * 1024 ** 2,
        totalBytes: 365 * 1024 ** 2,
      }).message;
    expect(at(38)).toMatch(
      /^the Docker engine at unix:\/\/\/d\.sock ran out of disk space while building 3d517677a2ee \(#5 head: standard output: I\/O error\); 38 MiB free of 365 MiB/,
    );
    expect(at(300)).toMatch(/^the Docker engine at unix:\/\/\/d\.sock had an I\/O error writing to its disk while building/);
  });

  it('says the engine, what ran out, while doing what, the free space and what to do, in one line', () => {
    const failure = resourceFailure('write /blob: no space left on device')!;
    const error = resourceError(failure, 'unix:///var/run/docker.sock', 'building 3d517677a2ee', {
      path: '/var/lib/docker',
      freeBytes: 12 * 1024 ** 2,
      totalBytes: 380 * 1024 ** 2,
    });
    expect(error).toBeInstanceOf(InfrastructureError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      'the Docker engine at unix:///var/run/docker.sock ran out of disk space while building 3d517677a2ee (write /blob: no space left on device); 12 MiB free of 380 MiB in /var/lib/docker: this says nothing about the commit; the state is kept: free space (deploybisect clean, docker system prune) or give the engine a larger disk, then re-run the same command to resume',
    );
    expect(error.message).not.toContain('\n');
  });
});
