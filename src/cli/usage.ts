/** What bare `deploybisect` prints: the commands most runs need, and examples. */
export const SHORT_USAGE = `deploybisect: find the commit that broke a Docker deployment.

Usage:
  deploybisect <good> <bad> [options]   bisect good..bad and name the first bad commit (= deploybisect run)
  deploybisect test <commit> [options]  build, start and probe one commit (exit codes as git bisect run wants)
  deploybisect explain <good> <bad>     what changed in the deployment between two commits (no Docker needed)
  deploybisect doctor                   what deploybisect can reach here: engines, networks, git, the cache
  deploybisect demo                     see it work on a generated repository

Examples:
  deploybisect v1.2.0 main --network host --probe http://127.0.0.1:8080/health
  deploybisect test HEAD --probe healthcheck
  git bisect run deploybisect test HEAD --network host

deploybisect --help lists every command; deploybisect run --help the options of a search.
`;
