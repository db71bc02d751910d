/**
 * The runtime versions a project pins beside its dependencies: `.nvmrc` and `.node-version` (node),
 * `.python-version`, `runtime.txt` (`python-3.13.0`), `.ruby-version`, `.tool-versions` (asdf:
 * `nodejs 20.11.0`), and `python_requires` in setup.cfg or setup.py.
 */
import type { DependencySnapshot, RuntimePin } from './types.js';

const ASDF: Record<string, RuntimePin['runtime']> = {
  nodejs: 'node',
  node: 'node',
  python: 'python',
  ruby: 'ruby',
  golang: 'go',
  rust: 'rust',
  php: 'php',
};

export function readRuntimeFile(text: string, path: string): DependencySnapshot {
  const file = path.split('/').pop() ?? path;
  const runtimes: RuntimePin[] = [];
  const lines = text.split('\n');
  const firstValue = (): { value: string; line: number } | undefined => {
    const index = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    return index === -1 ? undefined : { value: lines[index]!.trim(), line: index + 1 };
  };
  const first = firstValue();
  if ((file === '.nvmrc' || file === '.node-version') && first)
    runtimes.push({ runtime: 'node', version: first.value.replace(/^v/, ''), line: first.line });
  else if (file === '.python-version' && first) runtimes.push({ runtime: 'python', version: first.value, line: first.line });
  else if (file === '.ruby-version' && first)
    runtimes.push({ runtime: 'ruby', version: first.value.replace(/^ruby-/, ''), line: first.line });
  else if (file === 'runtime.txt' && first) {
    const m = /^(python|ruby|php|node)-(.+)$/.exec(first.value);
    if (m?.[1] && m[2]) runtimes.push({ runtime: m[1] as RuntimePin['runtime'], version: m[2], line: first.line });
  } else if (file === '.tool-versions') {
    lines.forEach((l, i) => {
      const [tool, version] = l.trim().split(/\s+/);
      const runtime = tool ? ASDF[tool] : undefined;
      if (runtime && version) runtimes.push({ runtime, version, line: i + 1 });
    });
  } else {
    // setup.cfg `python_requires = >=3.8`, setup.py `python_requires=">=3.8"`
    lines.forEach((l, i) => {
      const m = /\bpython_requires\s*=\s*["']?([^"',\n]+)/.exec(l);
      if (m?.[1]) runtimes.push({ runtime: 'python', version: m[1].trim(), line: i + 1 });
    });
  }
  return { ecosystem: 'runtime', path, role: 'runtime', packages: [], runtimes };
}
