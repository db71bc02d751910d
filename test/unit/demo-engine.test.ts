/** Where the demo cannot start the project's private engine, it says what to install instead. */
import { describe, expect, it } from 'vitest';

import { cannotStartEngine, type MachineFacts } from '../../src/demo/demo-engine.js';

const debianRoot: MachineFacts = { platform: 'linux', root: true, has: (p) => p === 'apt-get', script: '/x/scripts/docker-engine.sh' };

describe('cannotStartEngine', () => {
  it('lets a Debian root machine (apt-get, or dockerd installed) start the engine', () => {
    expect(cannotStartEngine(debianRoot)).toBeUndefined();
    expect(cannotStartEngine({ ...debianRoot, has: (p) => p === 'dockerd' })).toBeUndefined();
  });

  it('says what to install where it cannot', () => {
    expect(cannotStartEngine({ ...debianRoot, root: false })).toBe(
      'install Docker: `sudo apt-get install docker.io && sudo systemctl start docker` (then add yourself to the docker group, or run the demo as root); as root, the demo starts a private engine by itself',
    );
    expect(cannotStartEngine({ ...debianRoot, platform: 'darwin' })).toMatch(/^install Docker Desktop/);
    expect(cannotStartEngine({ ...debianRoot, has: () => false })).toMatch(/needs dockerd, or apt-get to install it/);
    expect(cannotStartEngine({ ...debianRoot, script: undefined })).toMatch(/^install Docker: `sudo apt-get install docker.io/);
  });
});
