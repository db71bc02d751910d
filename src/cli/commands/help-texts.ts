/** What `<command> --help` says after the options, where a command has more to say (its exit codes). */

export const RUN_EXIT_CODES = `
Exit codes:
  0    the first bad commit was found
  2    usage error or bad input (found before any engine work)
  3    the bad commit is healthy: nothing to bisect
  4    the good commit is unhealthy: pick an older good commit
  5    inconclusive: only skipped commits are left (or, with --flaky, no commit reached --confidence)
  1    infrastructure: the engine unreachable or lost, a hung build; re-run the same command to resume
  130  interrupted (SIGINT); 143 terminated (SIGTERM): the verdicts so far are saved`;

export const TEST_EXIT_CODES = `
Exit codes, as \`git bisect run\` reads them
(\`git bisect run deploybisect test HEAD -C . [options]\` in a checkout being bisected):
  0    healthy (with --regression build: the commit builds, whatever it does at runtime)
  1    unhealthy: the regression looked for is there
  125  cannot be tested for the regression looked for: by default (--regression auto or
       runtime) a commit that does not build; git bisect skips it
  2    usage error: a bad option or an unknown commit (git bisect would read it as bad:
       try the options once with \`deploybisect test HEAD\` before \`git bisect run\`)
  128  no verdict: the engine was lost or unreachable, git or deploybisect failed; git
       bisect run stops (it stops on any code above 127)
  130  interrupted (SIGINT); 143 terminated (SIGTERM)`;
