/**
 * An image reference split into name, tag and digest: `registry:5000/team/app:1.2@sha256:…`.
 */
interface ImageReference {
  name: string;
  tag?: string;
  digest?: string;
}

function parseImageReference(ref: string): ImageReference {
  const at = ref.indexOf('@');
  const digest = at === -1 ? undefined : ref.slice(at + 1);
  const rest = at === -1 ? ref : ref.slice(0, at);
  const colon = rest.lastIndexOf(':');
  // A colon before the last slash belongs to a registry port, not a tag.
  const tag = colon > rest.lastIndexOf('/') ? rest.slice(colon + 1) : undefined;
  const name = tag === undefined ? rest : rest.slice(0, colon);
  const result: ImageReference = { name };
  if (tag !== undefined) result.tag = tag;
  if (digest !== undefined) result.digest = digest;
  return result;
}

/** Which parts differ: ['name'], ['tag'], ['tag', 'digest']… */
export function changedParts(before: string, after: string): ('name' | 'tag' | 'digest')[] {
  const a = parseImageReference(before);
  const b = parseImageReference(after);
  const parts: ('name' | 'tag' | 'digest')[] = [];
  if (a.name !== b.name) parts.push('name');
  // Without tag or digest, Docker pulls :latest.
  const tag = (r: ImageReference): string | undefined => r.tag ?? (r.digest === undefined ? 'latest' : undefined);
  if (tag(a) !== tag(b)) parts.push('tag');
  if (a.digest !== b.digest) parts.push('digest');
  return parts;
}
