/** Masks every occurrence of the secret values in a text with `***` (longest first). */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => values.reduce((out, value) => out.split(value).join('***'), text);
}
