/**
 * Profiles (compose-spec 15-profiles.md): a service with `profiles:` is in the stack only when one of
 * them is active (`*` activates all); a service without is always in. A dependency on a service the
 * profiles leave out is an error as compose says it (`depends on undefined service`), unless it is
 * `required: false` (then compose drops it, with a warning). A dependency cycle is an error too.
 */
import type { ComposeService, ComposeWarning, Dependency } from './model.js';
import type { FailAt } from './values.js';

export function isEnabled(service: Pick<ComposeService, 'profiles'>, active: readonly string[]): boolean {
  return service.profiles.length === 0 || active.includes('*') || service.profiles.some((profile) => active.includes(profile));
}

export interface ProfiledServices {
  enabled: ComposeService[];
  disabled: string[];
}

export function applyProfiles(
  services: readonly ComposeService[],
  active: readonly string[],
  failAt: FailAt,
  warn: (warning: ComposeWarning) => void,
): ProfiledServices {
  const enabledNames = new Set(services.filter((service) => isEnabled(service, active)).map((service) => service.name));
  const known = new Map(services.map((service) => [service.name, service]));
  const enabled: ComposeService[] = [];
  for (const service of services) {
    if (!enabledNames.has(service.name)) continue;
    const dependsOn: Record<string, Dependency> = {};
    for (const [name, dependency] of Object.entries(service.dependsOn)) {
      if (enabledNames.has(name)) {
        dependsOn[name] = dependency;
        continue;
      }
      const other = known.get(name);
      if (other && !dependency.required) {
        warn({ kind: 'dropped-optional-dependency', service: service.name, dependency: name });
        continue;
      }
      const why = other ? ` (it is in profiles ${other.profiles.join(', ')}, none of them active)` : '';
      failAt(
        ['services', service.name, 'depends_on'],
        `service "${service.name}" depends on undefined service "${name}": invalid compose project${why}`,
      );
    }
    enabled.push({ ...service, dependsOn });
  }
  checkCycles(enabled, failAt);
  return { enabled, disabled: services.filter((service) => !enabledNames.has(service.name)).map((service) => service.name) };
}

function checkCycles(services: readonly ComposeService[], failAt: FailAt): void {
  const byName = new Map(services.map((service) => [service.name, service]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      failAt(['services', name, 'depends_on'], `dependency cycle detected: ${cycle.join(' -> ')}`);
    }
    state.set(name, 'visiting');
    for (const dependency of Object.keys(byName.get(name)?.dependsOn ?? {})) visit(dependency, [...trail, name]);
    state.set(name, 'done');
  };
  for (const service of services) visit(service.name, []);
}
