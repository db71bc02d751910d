/**
 * The BuildKit protocols deploybisect speaks: the secrets service BuildKit asks for
 * `RUN --mount=type=secret` and the health service it checks the session with every second (as
 * .proto text: small, and stable for years; sources: moby/buildkit session/secrets/secrets.proto,
 * grpc health/v1/health.proto), and the status stream a build reports progress in, decoded with
 * the schema dockerode ships (its own decoder flattens events to text, dropping which step a line
 * or an error belongs to).
 */
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const SECRETS_PROTO = `
syntax = "proto3";
package moby.buildkit.secrets.v1;
service Secrets { rpc GetSecret(GetSecretRequest) returns (GetSecretResponse); }
message GetSecretRequest { string ID = 1; map<string, string> annotations = 2; }
message GetSecretResponse { bytes data = 1; }
`;

const HEALTH_PROTO = `
syntax = "proto3";
package grpc.health.v1;
service Health { rpc Check(HealthCheckRequest) returns (HealthCheckResponse); }
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse {
  enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
  ServingStatus status = 1;
}
`;

/** A gRPC service definition from .proto text. */
function service(protoText: string, name: string): grpc.ServiceDefinition {
  const root = protobuf.parse(protoText, { keepCase: true }).root;
  const definition = protoLoader.fromJSON(root.toJSON(), { keepCase: true, longs: String, enums: String, defaults: true });
  return definition[name] as grpc.ServiceDefinition;
}

let services: { secrets: grpc.ServiceDefinition; health: grpc.ServiceDefinition } | undefined;

/** The secrets and health services, parsed once. */
export function sessionServices(): { secrets: grpc.ServiceDefinition; health: grpc.ServiceDefinition } {
  services ??= {
    secrets: service(SECRETS_PROTO, 'moby.buildkit.secrets.v1.Secrets'),
    health: service(HEALTH_PROTO, 'grpc.health.v1.Health'),
  };
  return services;
}

export interface StatusVertex {
  digest: string;
  name?: string;
  cached?: boolean;
  started?: unknown;
  completed?: unknown;
  error?: string;
}

export interface StatusLog {
  vertex: string;
  stream?: number;
  msg: Uint8Array;
}

export interface StatusResponse {
  vertexes?: StatusVertex[];
  logs?: StatusLog[];
}

let statusType: protobuf.Type | undefined;

/** One `moby.buildkit.trace` event's payload (base64 protobuf), decoded. */
export function decodeStatus(base64: string): StatusResponse {
  statusType ??= protobuf
    .loadSync(createRequire(import.meta.url).resolve('dockerode/lib/proto/buildkit_status.proto'))
    .lookupType('moby.buildkit.v1.StatusResponse');
  const message = statusType.decode(Buffer.from(base64, 'base64'));
  return statusType.toObject(message, { longs: Number, arrays: true }) as StatusResponse;
}
