import { shellQuote } from '../../text/shell-quote.js';
import type { DockerInstruction } from './model.js';

/**
 * What a RUN instruction executes, as shell text: the shell form; `sh -c` scripts of the exec
 * form; heredoc bodies when the heredoc is the script (`RUN <<EOF`, `RUN bash <<EOF`).
 */
export function runScript(ins: DockerInstruction): string {
  if (ins.exec !== undefined) {
    const [program, option, script] = ins.exec;
    if (program !== undefined && /(^|\/)(ba|a|da|z)?sh$/.test(program) && option !== undefined && /^-[a-z]*c[a-z]*$/.test(option)) {
      return script ?? '';
    }
    return ins.exec.map(shellQuote).join(' ');
  }
  if (ins.heredocs.length === 0) return ins.text;
  const command = ins.text.replace(/<<-?(["']?)[A-Za-z_][A-Za-z0-9_.-]*\1/g, '').trim();
  const bodies = ins.heredocs.map((h) => h.body).join('\n');
  // `RUN <<EOF` runs the body with the default shell; `RUN bash -e <<EOF` too; `RUN python3 <<EOF` does not.
  if (command === '' || /^(\/bin\/)?(ba|a|da|z)?sh(\s+-[a-z]+)*$/.test(command)) return bodies;
  return command;
}
