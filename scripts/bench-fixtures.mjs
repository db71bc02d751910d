// Fixture repositories for scripts/bench.mjs, written with `git fast-import` (fast, deterministic).
//
// - storyScenario: the story of test/fixtures/story-repo.ts (nginx + backend under supervisord;
//   a commit swaps supervisord for a bash start script and stops creating /app/logs, the backend
//   crashes, the HEALTHCHECK turns unhealthy), scaled to ~70 commits with ~40% of them touching the
//   build context, and a transient build break fixed by the next commit.
// - linearScenario: a long linear history (1,000 commits, 5% touching the context) of a tiny
//   HEALTHCHECK image; the culprit flips its config at a seeded random position.
//
// Every Dockerfile carries `LABEL deploybisect.bench=<run id>` right after FROM, so every image and
// intermediate layer either tool builds from a fixture can be found and removed by label.
import { execFileSync } from 'node:child_process';

import {
  API_HEALTH_CGI,
  backendScript,
  storyDockerfile as sharedStoryDockerfile,
  START_SH,
  SUPERVISORD_CONF,
} from '../dist/demo/story-files.js';

export const BASE_IMAGE = 'deploybisect-test/busybox:2';
export const BENCH_LABEL = 'deploybisect.bench';

/** A small seeded PRNG (mulberry32): same seed, same fixtures. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
  next.pick = (items) => items[Math.floor(next() * items.length)];
  /** k distinct items of `items`, in their original order. */
  next.sample = (items, k) => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    const chosen = new Set(copy.slice(0, k));
    return items.filter((x) => chosen.has(x));
  };
  return next;
}

const exe = (content) => ({ content, executable: true });

/**
 * Writes `commits` ([{ subject, changes: { path: string | {content, executable} | null } }], oldest
 * first) as a linear history on `main` in a new repository at `dir`; returns the shas, oldest first.
 */
export function writeRepo(dir, commits) {
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: dir,
    GIT_AUTHOR_NAME: 'Dana Dev',
    GIT_AUTHOR_EMAIL: 'dana@example.com',
    GIT_COMMITTER_NAME: 'Dana Dev',
    GIT_COMMITTER_EMAIL: 'dana@example.com',
  };
  const git = (args, input) => execFileSync('git', args, { cwd: dir, env, input, encoding: 'utf8', maxBuffer: 64 << 20 }).trim();
  execFileSync('git', ['init', '-q', '-b', 'main', dir], { env });
  const parts = [];
  const data = (text) => {
    parts.push(`data ${Buffer.byteLength(text)}\n`, text, '\n');
  };
  commits.forEach(({ subject, changes }, i) => {
    const when = `${1_760_000_000 + (i + 1) * 3600} +0000`;
    parts.push(`commit refs/heads/main\nmark :${i + 1}\n`);
    parts.push(`author Dana Dev <dana@example.com> ${when}\ncommitter Dana Dev <dana@example.com> ${when}\n`);
    data(`${subject}\n`);
    if (i > 0) parts.push(`from :${i}\n`);
    for (const [path, spec] of Object.entries(changes)) {
      if (spec === null) {
        parts.push(`D ${path}\n`);
        continue;
      }
      const { content, executable } = typeof spec === 'string' ? { content: spec, executable: false } : spec;
      parts.push(`M ${executable ? '100755' : '100644'} inline ${path}\n`);
      data(content);
    }
    parts.push('\n');
  });
  git(['fast-import', '--quiet', '--done'], `${parts.join('')}done\n`);
  git(['reset', '-q', '--hard', 'main']);
  return git(['rev-list', '--reverse', 'main']).split('\n');
}

// ---------------------------------------------------------------- (a) the story, scaled

/** phase: 'supervised' | 'supervised-config' (COPYs config/app.ini) | 'start-script' (the culprit's). */
function storyDockerfile(label, phase, envLines) {
  return sharedStoryDockerfile({
    baseImage: BASE_IMAGE,
    phase: phase === 'start-script' ? 'start-script' : 'supervised',
    config: phase === 'supervised-config',
    header: `LABEL ${BENCH_LABEL}=${label}\n`,
    env: envLines.map((line) => `${line}\n`).join(''),
  });
}

const CRASH = `echo "Traceback (most recent call last):" >&2
echo "KeyError: 'SHOP_PAYMENTS_URL'" >&2
exit 1
`;
const backend = (features, crashing = false) =>
  backendScript(features.map((f) => `echo on > /srv/api/${f}\n`).join('') + (crashing ? CRASH : ''));

const FEATURES = [
  'search',
  'cart',
  'wishlist',
  'reviews',
  'coupons',
  'invoices',
  'returns',
  'gift-cards',
  'ratings',
  'stock',
  'shipping',
  'taxes',
  'loyalty',
  'recommendations',
  'newsletter',
  'sitemap',
];

/**
 * ~`total` commits; `contextShare` of them change the build context. The culprit sits in the
 * middle third; the build break (and its fix, the next commit) well before it.
 */
export function storyScenario({ label, seed = 1, total = 70, contextShare = 0.4, culpritKind = 'dockerfile' }) {
  const r = rng(seed);
  const culprit = r.int(Math.floor(total * 0.45), Math.floor(total * 0.55));
  const buildBreak = r.int(Math.floor(total * 0.12), culprit - 8);
  const fixed = buildBreak + 1;
  const free = [];
  for (let i = 1; i < total; i++) if (![buildBreak, fixed, culprit].includes(i)) free.push(i);
  const contextCommits = new Set([0, buildBreak, fixed, culprit, ...r.sample(free, Math.round(total * contextShare) - 4)]);
  // With an application culprit, harmless Dockerfile commits right before and after it.
  const aroundCulprit = culpritKind === 'application' ? new Set([culprit - 1, culprit + 1]) : new Set();
  for (const i of aroundCulprit) contextCommits.add(i);
  let crashing = false;

  let phase = 'supervised';
  const env = [];
  const features = [];
  const config = ['[app]', 'name=shop'];
  let pages = 0;
  let notes = 0;
  const dockerfile = () => storyDockerfile(label, phase, env);
  const commits = [];
  for (let i = 0; i < total; i++) {
    if (i === 0) {
      commits.push({
        subject: 'Initial app: nginx and backend under supervisord',
        changes: {
          Dockerfile: dockerfile(),
          '.dockerignore': 'docs/\ntests/\n*.md\n',
          'nginx/health': 'ok\n',
          'nginx/index.html': '<h1>shop</h1>\n',
          'nginx/cgi-bin/api-health': exe(API_HEALTH_CGI),
          'backend/server.sh': exe(backend(features)),
          'supervisord.conf': SUPERVISORD_CONF,
        },
      });
    } else if (i === buildBreak) {
      // COPY config/app.ini, but the file is committed as app.conf: the build fails.
      phase = 'supervised-config';
      commits.push({
        subject: 'Add app configuration',
        changes: { Dockerfile: dockerfile(), 'config/app.conf': `${config.join('\n')}\n` },
      });
    } else if (i === fixed) {
      commits.push({
        subject: 'Fix the app configuration file name',
        changes: { 'config/app.conf': null, 'config/app.ini': `${config.join('\n')}\n` },
      });
    } else if (i === culprit && culpritKind === 'application') {
      crashing = true;
      features.push('payments');
      commits.push({ subject: 'Backend: payments endpoint', changes: { 'backend/server.sh': exe(backend(features, crashing)) } });
    } else if (aroundCulprit.has(i)) {
      env.push(`ENV SHOP_FLAG_${env.length + 1}=on`);
      commits.push({ subject: `Dockerfile: feature flag ${env.length}`, changes: { Dockerfile: dockerfile() } });
    } else if (i === culprit) {
      phase = 'start-script';
      commits.push({
        subject: 'Replace supervisord with a start script',
        changes: { Dockerfile: dockerfile(), 'start.sh': exe(START_SH), 'supervisord.conf': null },
      });
    } else if (contextCommits.has(i)) {
      // A change to the deployment that keeps it healthy before the culprit (and broken after).
      const kinds = ['backend', 'backend', 'backend', 'nginx', 'nginx', 'nginx', 'dockerfile', ...(i > fixed ? ['config', 'config'] : [])];
      const kind = r.pick(kinds);
      if (kind === 'backend') {
        const feature = FEATURES[features.length % FEATURES.length] + (features.length >= FEATURES.length ? `-${features.length}` : '');
        features.push(feature);
        commits.push({ subject: `Backend: ${feature} endpoint`, changes: { 'backend/server.sh': exe(backend(features, crashing)) } });
      } else if (kind === 'nginx') {
        pages++;
        commits.push({ subject: `nginx: add page ${pages}`, changes: { [`nginx/page-${pages}.html`]: `<h1>page ${pages}</h1>\n` } });
      } else if (kind === 'dockerfile') {
        env.push(`ENV SHOP_FLAG_${env.length + 1}=on`);
        commits.push({ subject: `Dockerfile: feature flag ${env.length}`, changes: { Dockerfile: dockerfile() } });
      } else {
        config.push(`setting_${config.length}=${r.int(1, 99)}`);
        commits.push({ subject: `Config: tune setting ${config.length - 2}`, changes: { 'config/app.ini': `${config.join('\n')}\n` } });
      }
    } else {
      notes++;
      const kind = r.pick(['docs', 'tests', 'readme']);
      if (kind === 'docs') commits.push({ subject: `Docs: notes ${notes}`, changes: { [`docs/notes-${notes}.md`]: `# Notes ${notes}\n` } });
      else if (kind === 'tests')
        commits.push({
          subject: `Tests: smoke test ${notes}`,
          changes: { [`tests/smoke-${notes}.sh`]: exe(`#!/bin/sh\nwget -qO- http://127.0.0.1:8080/health # ${notes}\n`) },
        });
      else
        commits.push({
          subject: `README: section ${notes}`,
          changes: { 'README.md': `# shop\n\n${'More about the shop.\n'.repeat(notes)}` },
        });
    }
  }
  return { commits, culprit, buildBreak, contextCommits: contextCommits.size };
}

// ---------------------------------------------------------------- (b) a long linear history

const linearDockerfile = (label) => `FROM ${BASE_IMAGE}
LABEL ${BENCH_LABEL}=${label}
COPY app/ /app/
HEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD test -f /tmp/ready || exit 1
CMD ["/app/run.sh"]
`;

const RUN_SH = `#!/bin/sh
# Ready when the config says the service may serve.
. /app/config
echo "service $version starting in mode $mode"
if [ "$mode" = serve ]; then touch /tmp/ready; else echo "refusing to serve in mode $mode" >&2; fi
exec sleep 3600
`;

export function linearScenario({ label, seed = 1, total = 1000, contextShare = 0.05 }) {
  const r = rng(seed);
  const culprit = r.int(Math.floor(total * 0.05), Math.floor(total * 0.95));
  const free = [];
  for (let i = 1; i < total; i++) if (i !== culprit) free.push(i);
  const contextCommits = new Set([0, culprit, ...r.sample(free, Math.round(total * contextShare) - 2)]);
  let mode = 'serve';
  let version = 1;
  let data = 0;
  const config = () => `mode=${mode}\nversion=1.${version}\n`;
  const commits = [];
  for (let i = 0; i < total; i++) {
    if (i === 0) {
      commits.push({
        subject: 'Initial service',
        changes: { Dockerfile: linearDockerfile(label), '.dockerignore': 'docs/\n', 'app/run.sh': exe(RUN_SH), 'app/config': config() },
      });
    } else if (i === culprit) {
      mode = 'maintenance';
      commits.push({ subject: 'Config: default to maintenance mode', changes: { 'app/config': config() } });
    } else if (contextCommits.has(i)) {
      if (r() < 0.5) {
        version++;
        commits.push({ subject: `Release 1.${version}`, changes: { 'app/config': config() } });
      } else {
        data++;
        commits.push({ subject: `Data: table ${data}`, changes: { [`app/data/table-${data}.txt`]: `row ${data}\n` } });
      }
    } else {
      commits.push({ subject: `Docs: page ${i}`, changes: { [`docs/page-${i % 97}.md`]: `# Page ${i % 97}\n\nrevision ${i}\n` } });
    }
  }
  return { commits, culprit, buildBreak: undefined, contextCommits: contextCommits.size };
}

/**
 * A dependency step that is slow on a cold cache: each of `deps` packages takes a second to
 * "download" unless the package cache already has it. Every commit adds one package, so the step's
 * layer is never reused; with `cacheMount`, the package cache is a `RUN --mount=type=cache`
 * directory (BuildKit keeps it on the engine between builds), without it the cache starts empty in
 * every build. The culprit's start script exits.
 */
export function cacheMountScenario({ label, cacheMount, total = 16, deps = 8, culprit = 11 }) {
  const mount = cacheMount ? '--mount=type=cache,target=/var/cache/pkgs ' : '';
  const dockerfile = [
    `FROM ${BASE_IMAGE}`,
    `LABEL ${BENCH_LABEL}=${label}`,
    'COPY deps.txt /deps.txt',
    `RUN ${mount}sh -c 'mkdir -p /var/cache/pkgs /pkgs; for p in $(cat /deps.txt); do [ -f /var/cache/pkgs/$p ] || { sleep 1; echo "$p" > /var/cache/pkgs/$p; }; cp /var/cache/pkgs/$p /pkgs/; done'`,
    'COPY --chmod=755 start.sh /start.sh',
    'CMD ["/start.sh"]',
    '',
  ].join('\n');
  const start = (broken) => `#!/bin/sh\n${broken ? 'echo "no config" >&2; exit 3' : 'echo up; exec sleep 3600'}\n`;
  const commits = [];
  for (let i = 0; i < total; i++) {
    const pkgs = [...Array.from({ length: deps }, (_, d) => `pkg-${d}`), ...Array.from({ length: i }, (_, n) => `extra-${n + 1}`)];
    commits.push({
      subject: i === culprit ? 'Start script: read the config' : i === 0 ? 'Initial service' : `Add extra-${i}`,
      changes: {
        ...(i === 0 ? { Dockerfile: dockerfile } : {}),
        'deps.txt': `${pkgs.join('\n')}\n`,
        ...(i === 0 || i === culprit ? { 'start.sh': start(i >= culprit) } : {}),
      },
    });
  }
  return { commits, culprit, buildBreak: undefined, contextCommits: total };
}
