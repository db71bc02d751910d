/**
 * The story as a list of commits (README): a web app ("nginx" + a backend) that deploys fine under a
 * process manager; a later commit swaps the process manager for a shell start script and stops
 * creating /app/logs. The front end still answers /health, but the backend crashes with
 * FileNotFoundError, and the image's HEALTHCHECK (through the front end to the backend) turns
 * unhealthy. Around it: docs, tests and code commits, and a transient build break fixed in the next
 * commit. Everything listens on loopback inside the container: it runs with --network none and is
 * probed by its own HEALTHCHECK.
 *
 * Used by `deploybisect demo` and by the tests' fixture (test/fixtures/story-repo.ts).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { RepoWriter } from '../git/repo-writer.js';
import { API_HEALTH_CGI, backendScript, START_SH, storyDockerfile, SUPERVISORD_CONF } from './story-files.js';

/** Paths to write (string, or executable content) or delete (null). */
export type StoryChanges = Record<string, string | { content: string; executable: true } | null>;

export interface StoryCommit {
  subject: string;
  changes: StoryChanges;
  /** What the commit is in the story. */
  role?: 'good' | 'build-break' | 'culprit' | 'bad';
}

const exe = (content: string) => ({ content, executable: true as const });

/** The story's commits, oldest first, built FROM `baseImage`. */
export function storyCommits(baseImage: string): StoryCommit[] {
  const supervised = (config = false) => storyDockerfile({ baseImage, phase: 'supervised', config });
  return [
    {
      subject: 'Initial app: nginx and backend under supervisord',
      role: 'good',
      changes: {
        Dockerfile: supervised(),
        '.dockerignore': 'docs/\ntests/\n*.md\n',
        'nginx/health': 'ok\n',
        'nginx/index.html': '<h1>shop</h1>\n',
        'nginx/cgi-bin/api-health': exe(API_HEALTH_CGI),
        'backend/server.sh': exe(backendScript()),
        'supervisord.conf': SUPERVISORD_CONF,
      },
    },
    { subject: 'Add README', changes: { 'README.md': '# shop\n\nThe shop front end and its backend.\n' } },
    { subject: 'Add API smoke tests', changes: { 'tests/smoke.sh': exe('#!/bin/sh\nwget -qO- http://127.0.0.1:8080/health\n') } },
    { subject: 'nginx: add a favicon', changes: { 'nginx/favicon.ico': 'not really an icon\n' } },
    { subject: 'Backend: log the start time', changes: { 'backend/server.sh': exe(backendScript('date >> "$log"\n')) } },
    { subject: 'Docs: deployment notes', changes: { 'docs/deploy.md': '# Deploying\n\nBuild the image and run it.\n' } },
    {
      subject: 'Add app configuration',
      role: 'build-break',
      changes: { Dockerfile: supervised(true), 'config/app.conf': '[app]\nname=shop\n' },
    },
    { subject: 'Fix the app configuration file name', changes: { 'config/app.conf': null, 'config/app.ini': '[app]\nname=shop\n' } },
    {
      subject: 'Replace supervisord with a start script',
      role: 'culprit',
      changes: { Dockerfile: storyDockerfile({ baseImage, phase: 'start-script' }), 'start.sh': exe(START_SH), 'supervisord.conf': null },
    },
    {
      subject: 'Backend: add a version file',
      changes: { 'backend/server.sh': exe(backendScript('date >> "$log"\necho 1.4.0 > /srv/api/version\n')) },
    },
    { subject: 'Docs: changelog', changes: { 'docs/CHANGELOG.md': '# Changes\n\n- start script\n' } },
    {
      subject: 'Tests: check the version endpoint',
      changes: { 'tests/version.sh': exe('#!/bin/sh\nwget -qO- http://127.0.0.1:8081/version\n') },
    },
    { subject: 'nginx: add robots.txt', role: 'bad', changes: { 'nginx/robots.txt': 'User-agent: *\nDisallow:\n' } },
  ];
}

export interface WrittenStory {
  dir: string;
  /** The commits' shas by role, and all of them oldest first. */
  good: string;
  bad: string;
  culprit: string;
  buildBreak: string;
  shas: string[];
}

/** Writes the story as a new repository in a temporary directory (fixed authors and dates). */
export function writeStoryRepo(baseImage: string, prefix = 'deploybisect-demo-'): WrittenStory {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    // The writer ignores the caller's GIT_* (from a git hook, GIT_DIR would point at the caller's repository).
    const repo = RepoWriter.init(dir, 'main');
    const shas: string[] = [];
    const byRole: Record<string, string> = {};
    const start = Date.parse('2025-10-01T09:00:00Z') / 1000;
    for (const [i, commit] of storyCommits(baseImage).entries()) {
      for (const [path, change] of Object.entries(commit.changes)) {
        const file = join(dir, path);
        if (change === null) {
          rmSync(file, { force: true });
          continue;
        }
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, typeof change === 'string' ? change : change.content);
        chmodSync(file, typeof change === 'string' ? 0o644 : 0o755);
      }
      const sha = repo.commitAll(commit.subject, { name: 'Dana Dev', email: 'dana@example.com', date: `${start + i * 3600 * 20} +0000` });
      shas.push(sha);
      if (commit.role) byRole[commit.role] = sha;
    }
    return { dir, good: byRole.good!, bad: byRole.bad!, culprit: byRole.culprit!, buildBreak: byRole['build-break']!, shas };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
