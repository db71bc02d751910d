import { describe, expect, it } from 'vitest';

import { diffDockerfiles } from '../../src/explain/dockerfile-diff.js';
import type { Finding } from '../../src/explain/finding.js';

const before = `FROM deploybisect-test/busybox:2
RUN apt-get update && apt-get install -y --no-install-recommends \\
      nginx \\
      supervisor \\
    && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /app/logs /var/www/cgi-bin
COPY nginx/ /var/www/
COPY backend/ /app/
COPY supervisord.conf /etc/supervisor/conf.d/app.conf
HEALTHCHECK --interval=2s --timeout=2s --retries=2 CMD wget -qO- http://127.0.0.1:8080/cgi-bin/api-health || exit 1
CMD ["supervisord", "-c", "/etc/supervisor/conf.d/app.conf"]
`;
const after = `FROM deploybisect-test/busybox:2
RUN apt-get update && apt-get install -y --no-install-recommends \\
      nginx \\
      bash \\
    && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /var/www/cgi-bin
COPY nginx/ /var/www/
COPY backend/ /app/
COPY start.sh /start.sh
HEALTHCHECK --interval=2s --timeout=2s --retries=2 CMD wget -qO- http://127.0.0.1:8080/cgi-bin/api-health || exit 1
CMD ["bash", "/start.sh"]
`;

const kinds = (findings: Finding[]): string[] => findings.map((f) => f.kind);

describe('diffDockerfiles: the supervisor → bash story', () => {
  const findings = diffDockerfiles(before, after);

  it('finds exactly what changed, in Dockerfile order', () => {
    expect(kinds(findings)).toEqual([
      'package-removed',
      'package-added',
      'directory-no-longer-created',
      'copy-removed',
      'copy-added',
      'cmd',
    ]);
  });

  it('names the packages', () => {
    expect(findings[0]).toMatchObject({
      kind: 'package-removed',
      stage: '0',
      instruction: 'RUN',
      lineBefore: 2,
      package: { manager: 'apt', name: 'supervisor' },
    });
    expect(findings[0]!.summary).toBe('apt package supervisor is no longer installed (stage 0, line 2)');
    expect(findings[1]).toMatchObject({ kind: 'package-added', lineAfter: 2, package: { manager: 'apt', name: 'bash' } });
  });

  it('says /app/logs is no longer created (COPY backend/ /app/ creates /app, not /app/logs)', () => {
    expect(findings[2]).toMatchObject({ kind: 'directory-no-longer-created', path: '/app/logs', lineBefore: 6 });
    expect(findings[2]!.summary).toBe('directory /app/logs is no longer created (mkdir -p, stage 0, line 6)');
  });

  it('reports the copies and the CMD', () => {
    expect(findings[3]).toMatchObject({
      kind: 'copy-removed',
      before: 'supervisord.conf',
      path: '/etc/supervisor/conf.d/app.conf',
      lineBefore: 9,
    });
    expect(findings[4]).toMatchObject({ kind: 'copy-added', after: 'start.sh', path: '/start.sh', lineAfter: 9 });
    expect(findings[5]).toMatchObject({
      kind: 'cmd',
      instruction: 'CMD',
      before: '["supervisord", "-c", "/etc/supervisor/conf.d/app.conf"]',
      after: '["bash", "/start.sh"]',
    });
    expect(findings[5]!.summary).toContain('CMD changed: ["supervisord", "-c", "/etc/supervisor/conf.d/app.conf"] → ["bash", "/start.sh"]');
  });

  it('finds nothing between identical files', () => {
    expect(diffDockerfiles(before, before)).toEqual([]);
  });
});
