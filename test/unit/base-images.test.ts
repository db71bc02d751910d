import { describe, expect, it } from 'vitest';

import { reuseNote } from '../../src/cli/render/reuse.js';
import { externalBaseImages } from '../../src/explain/dockerfile/base-images.js';
import { resolvesAbsent } from '../../src/session/evaluate/base-images.js';
import { shortTimestamp } from '../../src/text/timestamp.js';

describe('externalBaseImages: what a build resolves outside git', () => {
  it('names each FROM image once, without scratch and the stages of the same Dockerfile', () => {
    const dockerfile = [
      'FROM node:20 AS deps',
      'RUN npm ci',
      'FROM deps AS build',
      'FROM golang:1.22 AS tools',
      'FROM scratch AS empty',
      'FROM node:20-slim',
      'COPY --from=build /app /app',
      'FROM node:20',
    ].join('\n');
    expect(externalBaseImages(dockerfile)).toEqual(['node:20', 'golang:1.22', 'node:20-slim']);
  });

  it('substitutes global ARGs: a build argument given for a declared ARG wins over its default', () => {
    const dockerfile = 'ARG BASE=python:3.11\nARG TAG\nFROM ${BASE}\nFROM alpine:${TAG:-3.19}\n';
    expect(externalBaseImages(dockerfile)).toEqual(['python:3.11', 'alpine:3.19']);
    expect(externalBaseImages(dockerfile, { BASE: 'python:3.12', TAG: '3.20' })).toEqual(['python:3.12', 'alpine:3.20']);
    // An argument for an ARG the Dockerfile does not declare changes nothing (docker ignores it too).
    expect(externalBaseImages('FROM alpine:${V:-1}\n', { V: '2' })).toEqual(['alpine:1']);
  });

  it('a Dockerfile without FROM, or empty, names none', () => {
    expect(externalBaseImages('')).toEqual([]);
    expect(externalBaseImages('RUN true\n')).toEqual([]);
  });
});

describe('resolvesAbsent', () => {
  it('is true when an engine does not hold a FROM image yet', () => {
    expect(resolvesAbsent('')).toBe(false);
    expect(resolvesAbsent('node:20=sha256:aa')).toBe(false);
    expect(resolvesAbsent('node:20=sha256:aa\nalpine=absent')).toBe(true);
    expect(resolvesAbsent('node:20=sha256:aa,absent')).toBe(true);
    expect(resolvesAbsent('absent-image:1=sha256:aa')).toBe(false);
  });
});

describe('how a reused outcome is described', () => {
  it('a cached one with the moment it was saved, local time to the minute', () => {
    const at = new Date(2026, 11, 5, 20, 31, 59).toISOString();
    expect(shortTimestamp(at)).toBe('2026-12-05 20:31');
    expect(reuseNote({ reused: 'cache', cachedAt: at })).toBe('cached 2026-12-05 20:31; --no-cache to re-check');
    expect(reuseNote({ reused: 'state' })).toBe('from the saved state of this search');
    expect(reuseNote({})).toBeUndefined();
  });
});
