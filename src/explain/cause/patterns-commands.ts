/**
 * Commands that packages provide (`tsc`, `next`, `vite`), not found: linked to why the package is
 * not in the image: a dev dependency under a production install the commit made it run in, a package
 * the commit removed or moved to dev, an install the commit no longer runs. The commit's tree says
 * which package provides the command and what the installs leave out (LinkContext). One rule per pattern.
 */
import { wellKnownProvider } from '../deps/command-providers.js';
import { whereWritten } from '../deps/describe-changes.js';
import { howItRuns, type ProductionInstall } from '../deps/production-install.js';
import { programName, shellCommands } from '../dockerfile/shell-commands.js';
import type { Finding } from '../finding.js';
import { define, ref, type FailurePattern, type LinkContext } from './pattern-shape.js';

const base = (command: string) => programName(command);
const installIn = (context: LinkContext, f: Finding): ProductionInstall | undefined =>
  (context.productionInstalls ?? []).filter((i) => i.stage === f.stage && i.line <= (f.lineAfter ?? Infinity)).at(-1);
const INSTALL = /^(?:npm (?:ci|install|i)|yarn(?: install)?|pnpm (?:install|i))$/;

/** The text a RUN finding added: the commands a changed chain gained, or the whole new RUN. */
const addedText = (f: Finding) => (f.kind === 'run-changed' ? (f.commands?.added ?? []).join(' && ') : (f.after ?? ''));

export const COMMAND_PATTERNS: readonly FailurePattern[] = [
  define({
    id: 'command-dev-dependency',
    family: 'missing things',
    title: 'a command from a dev dependency, run under an install that leaves dev dependencies out',
    evidence: 'missing-command',
    links: ['run-changed', 'run-added', 'env'],
    certainty: 'strong',
    explain: (clue, f, context) => {
      const command = base(clue.command);
      const provider = context.commands?.[command];
      if (!provider || provider.scope !== 'dev') return undefined;
      const from = `${command} comes from ${provider.package}, a dev dependency${provider.declaredIn ? ` (${provider.declaredIn})` : ''}`;
      if (f.kind === 'env') {
        if (!/^NODE_ENV=production$/.test(f.after ?? '') || f.before === f.after) return undefined;
        const install = (context.productionInstalls ?? []).find((i) => i.stage === f.stage && i.line > (f.lineAfter ?? 0));
        return install
          ? `this commit set NODE_ENV=production ${ref(f)}, so ${install.how} (line ${install.line}) leaves dev dependencies out, and ${from}`
          : undefined;
      }
      const install = installIn(context, f);
      if (!install) return undefined;
      if (install.line === f.lineAfter && f.kind === 'run-changed' && !howItRuns(addedText(f), command, context.scripts ?? {}))
        return `this commit made the install leave dev dependencies out: ${install.how} ${ref(f)}, and ${from}`;
      const how = howItRuns(addedText(f), command, context.scripts ?? {});
      if (!how) return undefined;
      const what =
        f.kind === 'run-changed' ? `added ${(f.commands?.added ?? []).map((c) => `\`${c}\``).join(', ')} to a RUN` : 'added a RUN that';
      const runs = f.kind === 'run-changed' ? `, which ${how.replace(/^`[^`]*` /, '')}` : ` ${how}`;
      return `this commit ${what}${runs} ${ref(f)}; ${from}, and ${install.how} (line ${install.line}) leaves dev dependencies out`;
    },
  }),
  define({
    id: 'command-dependency-removed',
    family: 'missing things',
    title: 'a command whose package the commit removed or moved to dev dependencies',
    evidence: 'missing-command',
    links: ['dependency'],
    certainty: 'strong',
    explain: (clue, f) => {
      const c = f.dependency;
      const command = base(clue.command);
      if (!c || c.ecosystem !== 'npm' || !(c.bins?.includes(command) || wellKnownProvider(command) === c.name)) return undefined;
      const where = c.sources.length > 0 ? ` (${whereWritten(c.sources)})` : '';
      if (c.kind === 'removed') return `this commit removed ${c.name}, which provides ${command}${where}`;
      if (c.kind === 'moved' && c.scope === 'dev')
        return `this commit moved ${c.name}, which provides ${command}, to dev dependencies${where}`;
      return undefined;
    },
  }),
  define({
    id: 'command-install-removed',
    family: 'missing things',
    title: 'a command from a package that an install step the commit removed used to install',
    evidence: 'missing-command',
    links: ['run-removed', 'run-changed'],
    certainty: 'likely',
    explain: (clue, f, context) => {
      const provider = context.commands?.[base(clue.command)];
      if (!provider) return undefined;
      const removed = f.kind === 'run-changed' ? (f.commands?.removed ?? []) : [f.before ?? ''];
      const installs = (texts: readonly string[]) =>
        texts
          .flatMap((text) =>
            shellCommands(text).map((w) =>
              w
                .filter((x) => !x.startsWith('-'))
                .slice(0, 2)
                .join(' '),
            ),
          )
          .filter((c) => INSTALL.test(c));
      const install = installs(removed)[0];
      // Still installing, with other options: not this pattern's case.
      if (f.kind === 'run-changed' && installs([f.after ?? '']).length > 0) return undefined;
      return install
        ? `this commit no longer runs \`${install}\` ${ref(f)}, which installed ${provider.package}, the provider of ${base(clue.command)}`
        : undefined;
    },
  }),
];
