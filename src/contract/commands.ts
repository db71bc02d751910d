/** Commands as manifests write them, into CommandLine (see contract.ts for the three forms). */
import type { CommandLine } from './contract.js';
import type { Node } from './source/node.js';
import { invalid } from './source/problem.js';

/** A list is exec form; a string is `stringForm` (how this platform runs a command given as text). */
export function commandAt(node: Node, stringForm: 'words' | 'shell'): CommandLine | undefined {
  if (!node.present) return undefined;
  if (typeof node.value === 'string') return fromText(node.value, stringForm);
  const argv = node.optStrings();
  if (!argv) return undefined;
  if (argv.length === 0) throw invalid(node.path, 'must not be empty');
  return { form: 'exec', argv };
}

export function fromText(text: string, form: 'words' | 'shell'): CommandLine {
  return form === 'shell' ? { form: 'shell', script: text } : { form: 'words', text };
}

/** The command as one line for people: exec form as JSON, the others as written. */
export function commandText(command: CommandLine | 'clear' | undefined): string {
  if (command === undefined) return "(the image's)";
  if (command === 'clear') return '(none)';
  switch (command.form) {
    case 'exec':
      return JSON.stringify(command.argv);
    case 'shell':
      return `sh -c ${JSON.stringify(command.script)}`;
    case 'words':
      return command.text;
  }
}
