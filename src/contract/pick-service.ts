/** Choosing the one service of a manifest that has several (`--service`), with the errors that list them. */
import { ManifestProblem, type KeyPath } from './source/problem.js';

export interface Candidate<T> {
  name: string;
  item: T;
  /** The service is deployed from a Dockerfile of this repository (else: why not, for the message). */
  docker: true | string;
  /** Preferred when several are deployable and none was named (Render `type: web`, Fly's http_service). */
  preferred?: boolean;
}

/**
 * The named service, or the only deployable one, or the only preferred one among several; otherwise a
 * problem listing the names. `what` names the things in messages (`service`, `process group`, `container`).
 */
export function pickService<T>(candidates: readonly Candidate<T>[], wanted: string | undefined, manifest: string, what = 'service'): T {
  const names = candidates.map((c) => c.name);
  if (wanted !== undefined) {
    const found = candidates.find((c) => c.name === wanted);
    if (!found) {
      const known = names.length > 0 ? `: it has ${names.join(', ')}` : '';
      throw new ManifestProblem('no-service', [], `${manifest} has no ${what} '${wanted}'${known}`, { services: names });
    }
    if (found.docker !== true) throw new ManifestProblem('not-docker', [], `${what} '${wanted}' ${found.docker}`, { services: names });
    return found.item;
  }
  const deployable = candidates.filter((c) => c.docker === true);
  if (deployable.length === 1) return deployable[0]!.item;
  const preferred = deployable.filter((c) => c.preferred);
  if (preferred.length === 1) return preferred[0]!.item;
  if (deployable.length === 0) {
    const why = candidates.map((c) => `${c.name} ${c.docker}`).join('; ');
    throw new ManifestProblem('not-docker', [], `${manifest} has no ${what} built from a Dockerfile${why ? ` (${why})` : ''}`, {
      services: names,
    });
  }
  const listed = deployable.map((c) => c.name);
  throw new ManifestProblem(
    'service-needed',
    [],
    `${manifest} has ${listed.length} ${what}s built from a Dockerfile: ${listed.join(', ')}; name one with --service`,
    {
      services: listed,
    },
  );
}

/** Keys of a mapping that a reader reads past, each with its reason (a default reason for the rest). */
export function unsupportedKeys(
  keys: readonly string[],
  handled: readonly string[],
  reasons: Readonly<Record<string, string>>,
  prefix: KeyPath,
  fallback: string,
): { key: string; reason: string }[] {
  const at =
    prefix.length > 0
      ? `${prefix
          .map((p) => (typeof p === 'number' ? `[${p}]` : p))
          .join('.')
          .replace(/\.\[/g, '[')}.`
      : '';
  return keys.filter((key) => !handled.includes(key)).map((key) => ({ key: `${at}${key}`, reason: reasons[key] ?? fallback }));
}
