/**
 * What a probe kept as evidence, for people: short values inline (`url: http://…, status: 502`),
 * text a program printed as its lines (the healthcheck's last output, an exec probe's output, a
 * response body), never as a quoted string cut at some length.
 */
import type { ProbeResult } from '../../probes/probe.js';

/** Evidence keys that hold a program's text, and how to introduce it. */
const TEXTS: Record<string, string> = { lastOutput: 'the last check said', output: 'its output', body: 'the response body' };

export interface EvidenceParts {
  /** `key: value` for the short values. */
  inline: string[];
  /** The texts, each as its lines (blank lines at the ends dropped). */
  texts: Array<{ label: string; lines: string[] }>;
}

export function evidenceParts(probe: Pick<ProbeResult, 'evidence'>): EvidenceParts {
  const parts: EvidenceParts = { inline: [], texts: [] };
  for (const [key, value] of Object.entries(probe.evidence ?? {})) {
    const label = TEXTS[key];
    if (label !== undefined && typeof value === 'string') {
      const lines = value
        .replace(/\r\n?/g, '\n')
        .replace(/^\n+|\s+$/g, '')
        .split('\n');
      if (lines.some((line) => line.trim() !== '')) parts.texts.push({ label, lines });
    } else if (value !== undefined && value !== null) {
      parts.inline.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
  }
  return parts;
}
