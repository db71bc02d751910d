/**
 * Compose's short volume syntax `[SOURCE:]TARGET[:OPTIONS]` into the long form, as compose's loader
 * reads it: a source starting with `.`, `/` or `~` is a bind mount, any other source a named volume,
 * no source an anonymous volume; options `ro`/`rw`, `nocopy`, propagation and SELinux flags.
 */
import { cleanAbsolute } from './paths.js';

export interface LongVolume {
  type: 'bind' | 'volume';
  source: string | null;
  target: string;
  read_only: boolean;
  /** Options other than ro/rw, kept so they can be named (`z`, `rshared`, `nocopy`). */
  options: string[];
}

export class VolumeSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VolumeSpecError';
  }
}

/** Splits on `:` outside `${...}`, keeping a Windows drive letter (`C:`) with its path. */
function splitSpec(spec: string): string[] {
  const parts: string[] = [];
  let buffer = '';
  let depth = 0;
  for (let i = 0; i < spec.length; i++) {
    const char = spec[i] ?? '';
    if (char === '$' && spec[i + 1] === '{') depth++;
    else if (char === '}' && depth > 0) depth--;
    if (char === ':' && depth === 0 && !(buffer.length === 1 && /\p{L}/u.test(buffer))) {
      parts.push(buffer);
      buffer = '';
    } else {
      buffer += char;
    }
  }
  parts.push(buffer);
  return parts;
}

export function isFilePath(source: string): boolean {
  return /^[./~]/.test(source) || source.startsWith('\\\\') || /^\p{L}:/u.test(source);
}

export function parseVolumeSpec(spec: string): LongVolume {
  if (spec === '') throw new VolumeSpecError('invalid empty volume spec');
  const parts = spec.length <= 2 ? [spec] : splitSpec(spec);
  if (parts.some((part) => part === '')) throw new VolumeSpecError(`invalid spec: ${spec}: empty section between colons`);
  if (parts.length > 3) throw new VolumeSpecError(`invalid spec: ${spec}: too many colons`);
  const [first = '', second, third] = parts;
  const source = second === undefined ? null : first;
  const target = cleanAbsolute(second ?? first);
  const options = third === undefined ? [] : third.split(',');
  const readOnly = options.includes('ro');
  return {
    type: source !== null && isFilePath(source) ? 'bind' : 'volume',
    source,
    target,
    read_only: readOnly,
    options: options.filter((option) => option !== 'ro' && option !== 'rw'),
  };
}
