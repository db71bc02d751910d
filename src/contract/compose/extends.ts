/**
 * `extends` (compose-spec 05-services.md): a service built on another of the same file or of the
 * file `extends.file` names, merged with the rules of merging files (the service over its base),
 * recursively; a cycle, a missing service or file is an error. The other file's relative paths are
 * its own directory's (canonical.ts resolved them when that file was read).
 */
import { isMapping, type Tree } from './canonical.js';
import { fail } from './compose-failure.js';
import { extendService } from './merge.js';

/** Another file's canonical services (relative paths already repository-relative); `use` hears each one extended. */
export type LoadServices = (file: string) => Promise<{ services: Tree; use(name: string): void }>;

interface Origin {
  file: string;
  services: Tree;
}

/** The file's services with every `extends` applied (a new mapping; `extends` keys removed). */
export async function applyExtends(services: Tree, file: string, loadServices: LoadServices): Promise<Tree> {
  const out: Tree = {};
  const origin: Origin = { file, services };
  for (const name of Object.keys(services)) out[name] = await resolveService(name, origin, loadServices, []);
  return out;
}

async function resolveService(name: string, origin: Origin, loadServices: LoadServices, chain: readonly string[]): Promise<Tree> {
  const service = origin.services[name];
  if (!isMapping(service)) return {};
  const link = `${name} (${origin.file})`;
  if (chain.includes(link)) {
    fail('extends', `circular reference with extends: ${[...chain, link].join(' extends ')}`, { file: origin.file });
  }
  const spec = service['extends'];
  if (!isMapping(spec)) return service;
  const ref = String(spec['service'] ?? '');
  if (ref === '') fail('extends', `extends.${name}.service is required`, { file: origin.file });
  let baseOrigin = origin;
  if (typeof spec['file'] === 'string') {
    const { services, use } = await loadServices(spec['file']);
    if (!isMapping(services[ref])) {
      fail('extends', `cannot extend service "${name}" in ${origin.file}: service "${ref}" not found in ${spec['file']}`, {
        file: origin.file,
      });
    }
    use(ref);
    baseOrigin = { file: spec['file'], services };
  } else if (!isMapping(origin.services[ref])) {
    fail('extends', `cannot extend service "${name}" in ${origin.file}: service "${ref}" not found`, { file: origin.file });
  }
  const base = await resolveService(ref, baseOrigin, loadServices, [...chain, link]);
  const { extends: _extends, ...own } = service;
  return extendService(base, own);
}
