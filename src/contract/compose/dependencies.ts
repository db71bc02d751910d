/**
 * A service's dependencies as compose normalises them: `depends_on` in its long form (the short form
 * means `condition: service_started`, `required: true`), plus the ones compose adds for `links`,
 * `volumes_from` and `network_mode` / `ipc` / `pid` / `uts` / `cgroup` set to `service:NAME`
 * (compose-go loader/normalize.go: started, required, restart on links and namespaces, not on volumes_from).
 */
import { isMapping, type Tree } from './canonical.js';
import type { Dependency, DependencyCondition } from './model.js';
import { booleanAt, type FailAt } from './values.js';
import type { TreePath } from './yaml-file.js';

const CONDITIONS: readonly DependencyCondition[] = ['service_started', 'service_healthy', 'service_completed_successfully'];
const NAMESPACES = ['network_mode', 'ipc', 'pid', 'uts', 'cgroup'] as const;

export function toDependencies(service: Tree, path: TreePath, failAt: FailAt): Record<string, Dependency> {
  const out: Record<string, Dependency> = {};
  const declared = isMapping(service['depends_on']) ? service['depends_on'] : {};
  for (const [name, spec] of Object.entries(declared)) {
    const entry = isMapping(spec) ? spec : {};
    const at: TreePath = [...path, 'depends_on', name];
    const condition = String(entry['condition'] ?? 'service_started') as DependencyCondition;
    if (!CONDITIONS.includes(condition))
      failAt([...at, 'condition'], `${at.join('.')}.condition: unknown condition ${JSON.stringify(condition)}`);
    out[name] = {
      condition,
      required: booleanAt(entry['required'], [...at, 'required'], failAt) ?? true,
      restart: booleanAt(entry['restart'], [...at, 'restart'], failAt) ?? false,
      from: 'depends_on',
    };
  }
  const implied = (name: string, restart: boolean, from: Dependency['from']): void => {
    if (!(name in out)) out[name] = { condition: 'service_started', required: true, restart, from };
  };
  for (const link of Array.isArray(service['links']) ? service['links'] : []) {
    implied(String(link).split(':')[0] ?? '', true, 'links');
  }
  for (const namespace of NAMESPACES) {
    const value = service[namespace];
    if (typeof value === 'string' && value.startsWith('service:')) implied(value.slice('service:'.length), true, namespace);
  }
  for (const from of Array.isArray(service['volumes_from']) ? service['volumes_from'] : []) {
    const spec = String(from);
    if (!spec.startsWith('container:')) implied(spec.split(':')[0] ?? '', false, 'volumes_from');
  }
  return out;
}
