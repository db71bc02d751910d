/**
 * A BuildKit session over the engine's own `/session` endpoint (the connection upgraded to h2c,
 * with a gRPC server of ours on it), serving what a build asks of the client: its health (BuildKit
 * checks it every second and drops a session that does not answer) and its secrets (for
 * `RUN --mount=type=secret`). dockerode opens a session too, but serves registry credentials only
 * and no health, so a build that needs the session after its first second fails: this is ours.
 * Registry credentials are not served: BuildKit then pulls anonymously.
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type Docker from 'dockerode';

import { sessionServices } from './protos.js';

export interface BuildkitSession {
  id: string;
  close(): void;
}

/** A secret the session hands out by id; its value never leaves this process but to BuildKit. */
export interface SessionSecret {
  id: string;
  value: Buffer;
}

const METHODS = ['/grpc.health.v1.Health/Check', '/moby.buildkit.secrets.v1.Secrets/GetSecret'];

/** Opens a session on the engine; the build names it (`session=<id>`); close it when the build ends. */
export function openBuildkitSession(docker: Docker, secrets: readonly SessionSecret[]): Promise<BuildkitSession> {
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        method: 'POST',
        path: '/session',
        hijack: true,
        headers: {
          Upgrade: 'h2c',
          'X-Docker-Expose-Session-Uuid': id,
          'X-Docker-Expose-Session-Name': 'deploybisect',
          'X-Docker-Expose-Session-Grpc-Method': METHODS,
        },
        statusCodes: { 101: true, 200: true, 404: 'no BuildKit session endpoint', 500: 'server error' },
      },
      (error: unknown, socket: unknown) => {
        if (error) return reject(error);
        resolve(serve(id, socket as Duplex, secrets));
      },
    );
  });
}

function serve(id: string, socket: Duplex, secrets: readonly SessionSecret[]): BuildkitSession {
  const server = new grpc.Server();
  const services = sessionServices();
  server.addService(services.health, {
    Check: (_call: unknown, done: grpc.sendUnaryData<unknown>) => done(null, { status: 'SERVING' }),
  });
  const byId = new Map(secrets.map((s) => [s.id, s.value]));
  server.addService(services.secrets, {
    GetSecret: (call: grpc.ServerUnaryCall<{ ID: string }, unknown>, done: grpc.sendUnaryData<unknown>) => {
      const value = byId.get(call.request.ID);
      // NOT_FOUND is what BuildKit takes for "no such secret" (a required one fails the build, naming it).
      if (value === undefined) done({ code: grpc.status.NOT_FOUND, details: `secret ${call.request.ID} not found` });
      else done(null, { data: value });
    },
  });
  server.createConnectionInjector(grpc.ServerCredentials.createInsecure()).injectConnection(socket);
  let closed = false;
  return {
    id,
    close() {
      if (closed) return;
      closed = true;
      server.forceShutdown();
      socket.end();
    },
  };
}
