import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';

import { EngineLostError, guardEngineCalls, isConnectionError } from '../../src/docker/engine-calls.js';

interface Call {
  options: { path: string; method?: string; isStream?: boolean; hijack?: boolean; abortSignal?: AbortSignal };
  callback: (error: unknown, data?: unknown) => void;
}

/** A client whose modem records each dial and lets the test answer it (or not). */
function fakeDocker(): { docker: Docker; calls: Call[] } {
  const calls: Call[] = [];
  const modem = {
    dial(options: Call['options'], callback: Call['callback']) {
      calls.push({ options, callback });
      // As docker-modem does: an abort of the request's signal fails it.
      options.abortSignal?.addEventListener('abort', () =>
        callback(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })),
      );
    },
  };
  return { docker: { modem } as unknown as Docker, calls };
}

function dial(docker: Docker, options: Call['options']): Promise<unknown> {
  return new Promise((resolve, reject) =>
    (docker.modem as unknown as { dial(o: Call['options'], cb: Call['callback']): void }).dial(options, (error, data) =>
      error ? reject(error) : resolve(data),
    ),
  );
}

describe('guardEngineCalls', () => {
  it('ends a call that gets no answer at the time limit, with one line naming the engine, the call and the option', async () => {
    const { docker } = fakeDocker();
    guardEngineCalls(docker, 'unix:///run/docker.sock', 50);
    const error = await dial(docker, { path: '/containers/abc/json?size=1', method: 'GET' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineLostError);
    expect((error as Error).message).toBe(
      'the Docker engine at unix:///run/docker.sock did not answer GET /containers/abc/json within 50ms (--engine-timeout): it is hung or overloaded; the state is kept, re-run the same command to resume',
    );
  });

  it('passes answers and ordinary refusals through unchanged', async () => {
    const { docker, calls } = fakeDocker();
    guardEngineCalls(docker, 'e', 10_000);
    const answered = dial(docker, { path: '/version', method: 'GET' });
    calls[0]!.callback(null, { ok: 1 });
    expect(await answered).toEqual({ ok: 1 });
    const refused = dial(docker, { path: '/containers/x/start', method: 'POST' }).catch((e: unknown) => e);
    const conflict = Object.assign(new Error('(HTTP code 409) conflict'), { statusCode: 409 });
    calls[1]!.callback(conflict);
    expect(await refused).toBe(conflict);
  });

  it('leaves long-lived calls without a limit: builds, waits, streams, attach sessions, and calls with their own signal', async () => {
    const { docker, calls } = fakeDocker();
    guardEngineCalls(docker, 'e', 10);
    const own = new AbortController().signal;
    const longLived: Call['options'][] = [
      { path: '/build?t=x', method: 'POST', isStream: true },
      { path: '/v1.43/build?t=x', method: 'POST' },
      { path: '/containers/abc/wait?condition=next-exit', method: 'POST' },
      { path: '/containers/abc/logs?follow=true', method: 'GET', isStream: true },
      { path: '/exec/abc/start', method: 'POST', hijack: true },
      { path: '/images/x/json', method: 'GET', abortSignal: own },
    ];
    for (const options of longLived) void dial(docker, options);
    await new Promise((resolve) => setTimeout(resolve, 40));
    for (const [i, call] of calls.entries()) {
      expect(call.options.abortSignal === undefined || call.options.abortSignal === own, longLived[i]!.path).toBe(true);
    }
    // …while a plain call gets one.
    void dial(docker, { path: '/containers/abc/json', method: 'GET' }).catch(() => undefined);
    expect(calls.at(-1)!.options.abortSignal).toBeInstanceOf(AbortSignal);
  });

  it('turns a connection failure into a lost engine, on any call', async () => {
    const { docker, calls } = fakeDocker();
    guardEngineCalls(docker, 'unix:///var/run/docker.sock', 10_000);
    const plain = dial(docker, { path: '/containers/abc/json', method: 'GET' }).catch((e: unknown) => e);
    calls[0]!.callback(Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' }));
    const error = (await plain) as Error;
    expect(error).toBeInstanceOf(EngineLostError);
    expect(error.message).toBe(
      'lost the Docker engine at unix:///var/run/docker.sock (ECONNREFUSED on GET /containers/abc/json): the state is kept; once the engine is back, re-run the same command to resume (it removes what this run left)',
    );
    const stream = dial(docker, { path: '/build', method: 'POST', isStream: true }).catch((e: unknown) => e);
    calls[1]!.callback(new Error('socket hang up'));
    expect(await stream).toBeInstanceOf(EngineLostError);
  });

  it('isConnectionError: codes and messages of a gone engine, not HTTP refusals', () => {
    expect(isConnectionError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isConnectionError(new Error('socket hang up'))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('(HTTP code 404) no such container'), { statusCode: 404 }))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });
});
