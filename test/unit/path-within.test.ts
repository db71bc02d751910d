import { describe, expect, it } from 'vitest';

import { isWithin, pathWithin } from '../../src/text/path-within.js';

describe('pathWithin: one answer to "is this path in that directory"', () => {
  it.each([
    ['app', 'app/server.py', 'server.py'],
    ['app', 'app', ''],
    ['app/', 'app/x', 'x'],
    ['app', 'app/', ''],
    ['app', 'application/x', undefined],
    ['app', 'ap', undefined],
    ['', 'x/y', 'x/y'],
    ['.', 'x/y', 'x/y'],
    ['', '.', ''],
    ['/', '/app/logs/app.log', 'app/logs/app.log'],
    ['/app/logs', '/app/logs/app.log', 'app.log'],
    ['/app/logs/', '/app/logs', ''],
    ['/app', '/application', undefined],
    ['/', 'relative', undefined],
    ['', '/absolute', undefined],
  ] as const)('%s contains %s: %s', (dir, path, relative) => {
    expect(pathWithin(dir, path)).toBe(relative);
    expect(isWithin(dir, path)).toBe(relative !== undefined);
  });
});
