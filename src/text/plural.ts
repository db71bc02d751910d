/** `1 build`, `2 builds`, `0 builds`; `count(3, 'directory', 'directories')` for an irregular plural. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
