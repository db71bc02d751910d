/** Compose's interpolation grammar (compose-spec 12-interpolation.md), on values taken from real compose files. */
import { describe, expect, test } from 'vitest';

import { interpolate, interpolateTree, InterpolationError, TreeInterpolationError } from '../../src/contract/compose/interpolate.js';

const env: Record<string, string> = { IMMICH_VERSION: 'v1.120.0', EMPTY: '', HOST: 'db', PORT: '5432' };
const lookup = (name: string): string | undefined => env[name];

describe('interpolate', () => {
  test.each([
    // immich docker-compose.yml
    ['ghcr.io/immich-app/immich-server:${IMMICH_VERSION:-release}', 'ghcr.io/immich-app/immich-server:v1.120.0'],
    ['ghcr.io/immich-app/immich-server:${MISSING:-release}', 'ghcr.io/immich-app/immich-server:release'],
    // `:-` takes the default for an empty value, `-` only for an unset one
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${MISSING-fallback}', 'fallback'],
    // $VAR and ${VAR}
    ['postgres://$HOST:${PORT}/app', 'postgres://db:5432/app'],
    // $$ is a literal $ (frappe's configurator command: `bench set-config -g db_host $$DB_HOST`)
    ['bench set-config -g db_host $$DB_HOST', 'bench set-config -g db_host $DB_HOST'],
    // nested defaults (frappe: ${CUSTOM_TAG:-$ERPNEXT_VERSION}; compose v2 interpolates the default too)
    ['${MISSING:-${HOST:-x}}', 'db'],
    ['${MISSING:-${ALSO_MISSING:-deep}}', 'deep'],
    ['${CUSTOM:-$$host}', '$host'],
    // :+ and + give the alternative when set
    ['${HOST:+yes}', 'yes'],
    ['${EMPTY:+yes}', ''],
    ['${EMPTY+yes}', 'yes'],
    // a $ that starts no name stays as it is
    ['cost: $5 and $', 'cost: $5 and $'],
    // immich ports: ${EXPOSE_PORT-:2283:2283}
    ['${EXPOSE_PORT-:2283:2283}', ':2283:2283'],
  ])('%s → %s', (template, expected) => {
    expect(interpolate(template, lookup).value).toBe(expected);
  });

  test('lists the variables read without a default and set nowhere, once each', () => {
    const result = interpolate('${UPLOAD_LOCATION}:/data and $UPLOAD_LOCATION and ${DB:-x} ${OTHER}', lookup);
    expect(result.value).toBe(':/data and  and x ');
    expect(result.unset).toEqual(['UPLOAD_LOCATION', 'OTHER']);
  });

  test("${VAR:?err} and ${VAR?err} fail with compose's message when unset (and :? when empty)", () => {
    expect(() => interpolate('${DB_PASSWORD:?database password required}', lookup)).toThrow(
      'required variable DB_PASSWORD is missing a value: database password required',
    );
    expect(() => interpolate('${EMPTY:?must not be empty}', lookup)).toThrow(
      'required variable EMPTY is missing a value: must not be empty',
    );
    expect(interpolate('${EMPTY?set is enough}', lookup).value).toBe('');
    expect(() => interpolate('${NOPE?}', lookup)).toThrow(/^required variable NOPE is missing a value$/);
  });

  test('a malformed ${...} is an error naming the template', () => {
    for (const template of ['${VAR', '${}', '${VAR x}', '${1A}']) {
      expect(() => interpolate(template, lookup), template).toThrow(InterpolationError);
    }
    try {
      interpolate('image: ${VAR x}', lookup);
    } catch (error) {
      expect((error as InterpolationError).reason).toBe('invalid');
      expect((error as Error).message).toContain('you may need to escape any $ with another $');
    }
  });
});

describe('interpolateTree', () => {
  test('interpolates values, never keys, and says where each unset variable was read', () => {
    const tree = { services: { web: { image: 'app:${TAG}', environment: { '${KEY}': '$HOST', LIST: ['$PORT', 3] } } } };
    const unset: string[] = [];
    const out = interpolateTree(tree, lookup, (variable, path) => unset.push(`${variable}@${path.join('.')}`));
    expect(out).toEqual({ services: { web: { image: 'app:', environment: { '${KEY}': 'db', LIST: ['5432', 3] } } } });
    expect(unset).toEqual(['TAG@services.web.image']);
  });

  test('an error carries the path of the value', () => {
    expect.assertions(2);
    try {
      interpolateTree({ services: { db: { environment: { PASSWORD: '${PW:?set PW}' } } } }, lookup, () => undefined);
    } catch (error) {
      expect(error).toBeInstanceOf(TreeInterpolationError);
      expect((error as TreeInterpolationError).path).toEqual(['services', 'db', 'environment', 'PASSWORD']);
    }
  });
});
