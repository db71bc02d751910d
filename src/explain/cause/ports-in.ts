/** Port numbers in text, for the patterns that link a refused port to a change (patterns.ts, patterns-stack.ts). */

/** The port numbers a value or command names: `8080`, `:8080`, `--port=8080`, `-p 8080`, `0.0.0.0:80`. */
export function portsIn(text: string | undefined): Set<number> {
  const ports = new Set<number>();
  for (const m of (text ?? '').matchAll(/(?<![\w.-])(?:[\w.-]*:)?(\d{2,5})(?![\w.])/g)) {
    const n = Number(m[1]);
    if (n > 0 && n < 65536) ports.add(n);
  }
  return ports;
}
