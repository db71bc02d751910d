/**
 * Output arrives in pieces (BuildKit's vertex logs, the classic builder's stream, the engine's log
 * frames): it is cut into lines where the program ended them, kept clean and passed on as printed.
 */
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import Modem from 'docker-modem';
import type Docker from 'dockerode';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';

import { BuildFailedError, buildImage } from '../../src/docker/build-image.js';
import { BuildkitProgress } from '../../src/docker/buildkit/progress.js';
import { decodeStatus } from '../../src/docker/buildkit/protos.js';
import { LogWatcher } from '../../src/docker/log-watcher.js';
import { LineSplitter } from '../../src/text/line-splitter.js';

const ESC = '\u001b';

describe('LineSplitter', () => {
  it('joins pieces into the lines the program ended, and ends the last one on request', () => {
    const lines = new LineSplitter();
    expect(lines.push('np')).toEqual([]);
    expect(lines.pending).toBe(true);
    expect(lines.push('m notice New version\nnpm')).toEqual(['npm notice New version']);
    expect(lines.push(' notice Run npm i\r\n\n')).toEqual(['npm notice Run npm i', '']);
    expect(lines.push('tail without end')).toEqual([]);
    expect(lines.end()).toEqual(['tail without end']);
    expect(lines.end()).toEqual([]);
  });

  it('keeps a \\r progress bar in one line, and decodes UTF-8 split between pieces', () => {
    const lines = new LineSplitter();
    const bytes = Buffer.from('10%\r50%\r100% ✓ größe\n');
    const cut = bytes.indexOf(0x9c); // the middle of ✓ (e2 9c 93)
    expect(lines.push(bytes.subarray(0, cut))).toEqual([]);
    expect(lines.push(bytes.subarray(cut))).toEqual(['10%\r50%\r100% ✓ größe']);
  });

  it('cuts a line that never ends at 64 KiB', () => {
    const lines = new LineSplitter();
    const out = lines.push('x\r'.repeat(40_000));
    expect(out).toHaveLength(1);
    expect(lines.pending).toBe(false);
  });
});

/** A `moby.buildkit.trace` StatusResponse as the engine sends it, decoded the way build.ts decodes it. */
function status(value: object) {
  const type = protobuf
    .loadSync(createRequire(import.meta.url).resolve('dockerode/lib/proto/buildkit_status.proto'))
    .lookupType('moby.buildkit.v1.StatusResponse');
  return decodeStatus(Buffer.from(type.encode(type.fromObject(value)).finish()).toString('base64'));
}
const now = { seconds: 1_700_000_000, nanos: 0 };
const log = (msg: string | Buffer, stream = 1) => ({ vertex: 'sha256:run', stream, msg: Buffer.from(msg) });

describe('BuildKit vertex logs', () => {
  it('are lines where the RUN ended them, not where the chunks end: one `npm notice` line each, clean in the evidence', () => {
    const printed: string[] = [];
    const progress = new BuildkitProgress((line) => printed.push(line));
    const run = { digest: 'sha256:run', name: '[2/2] RUN npm ci', started: now };
    progress.add(status({ vertexes: [run] }));
    progress.add(status({ logs: [log('npm'), log(' notice New major version of npm available!\n'), log(`${ESC}[1mnpm`)] }));
    progress.add(status({ logs: [log(`${ESC}[22m`), log(' notice Run npm install -g npm\n'), log('npm error code 1', 2)] }));
    progress.add(status({ logs: [log(Buffer.from('✓ 2').subarray(0, 2)), log(Buffer.from('✓ 2').subarray(2))] }));
    const error = 'process "/bin/sh -c npm ci" did not complete successfully: exit code: 1';
    // The last pieces and the step's end come in one message: the output is flushed before the ERROR line.
    progress.add(status({ vertexes: [{ ...run, completed: now, error }], logs: [log('\n'), log(' (after)', 2)] }));
    progress.end();

    const tail = ['npm notice New major version of npm available!', 'npm notice Run npm install -g npm', '✓ 2', 'npm error code 1 (after)'];
    expect(progress.failed()).toEqual({ name: '[2/2] RUN npm ci', error, tail });
    expect(progress.output).toEqual(['#1 [2/2] RUN npm ci', ...tail.map((line) => `#1 ${line}`), `#1 ERROR: ${error}`]);
    // Passed on live as printed, escape codes and all.
    expect(printed).toContain(`#1 ${ESC}[1mnpm${ESC}[22m notice Run npm install -g npm`);
  });

  it('a line left without its \\n when the build ends is a line too', () => {
    const progress = new BuildkitProgress();
    progress.add(status({ vertexes: [{ digest: 'sha256:run', name: '[2/2] RUN make', started: now }], logs: [log('no newline')] }));
    expect(progress.output).toEqual(['#1 [2/2] RUN make']);
    progress.end();
    expect(progress.output).toEqual(['#1 [2/2] RUN make', '#1 no newline']);
  });
});

/**
 * The classic builder's events for `RUN printf "np"; sleep 1; printf "m notice\n"; printf "a\rb\n";
 * printf "tail-no-nl"; sleep 1; exit 1`, as Docker 20.10.24 sent them.
 */
const CLASSIC_EVENTS = [
  { stream: 'Step 1/2 : FROM deploybisect-test/busybox:2' },
  { stream: '\n' },
  { stream: ' ---> 3d567c99de1b\n' },
  { stream: 'Step 2/2 : RUN printf "np"; sleep 1; printf "m notice\\n"; printf "a\\rb\\n"; printf "tail-no-nl"; sleep 1; exit 1' },
  { stream: '\n' },
  { stream: ' ---> Running in 01ac4d44cd88\n' },
  { stream: 'np' },
  { stream: 'm notice\na\rb\ntail-no-nl' },
  { stream: 'Removing intermediate container 01ac4d44cd88\n' },
  {
    errorDetail: { code: 1, message: `The command '/bin/sh -c printf "np"; …; exit 1' returned a non-zero code: 1` },
    error: `The command '/bin/sh -c printf "np"; …; exit 1' returned a non-zero code: 1`,
  },
];

/** The same RUN on Podman 4.3's compatible API (buildah): its step lines come whole, the RUN's output in pieces. */
const PODMAN_EVENTS = [
  { stream: 'STEP 1/2: FROM deploybisect-test/busybox:2\n' },
  { stream: 'STEP 2/2: RUN printf "np"; sleep 1; printf "m notice\\n"; printf "a\\rb\\n"; printf "tail-no-nl"; sleep 1; exit 1\n' },
  { stream: 'np' },
  { stream: 'm notice\n' },
  { stream: 'a\rb\ntail-no-nl' },
  {
    errorDetail: { message: 'building at STEP "RUN printf …; exit 1": while running runtime: exit status 1\n' },
    error: 'building at STEP "RUN printf …; exit 1": while running runtime: exit status 1\n',
  },
];

function fakeEngine(events: object[]): Docker {
  return {
    buildImage: async () => new PassThrough(),
    modem: {
      followProgress(_stream: unknown, done: (error: Error | null) => void, onEvent: (event: object) => void) {
        for (const event of events) onEvent(event);
        done(null);
      },
    },
  } as unknown as Docker;
}

describe('the classic builder’s stream', () => {
  it('is cut where the RUN ended its lines; its own messages stay whole', async () => {
    const printed: string[] = [];
    const steps: string[] = [];
    const failed = await buildImage(fakeEngine(CLASSIC_EVENTS), {
      context: new PassThrough(),
      dockerfile: 'Dockerfile',
      tag: 't',
      labels: {},
      onOutput: (line) => printed.push(line),
      onStep: (step) => steps.push(step),
    }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(BuildFailedError);
    const output = (failed as BuildFailedError).output;
    expect(output).toEqual([
      'Step 1/2 : FROM deploybisect-test/busybox:2',
      ' ---> 3d567c99de1b',
      CLASSIC_EVENTS[3]!.stream,
      ' ---> Running in 01ac4d44cd88',
      'npm notice',
      'b',
      'tail-no-nl',
      'Removing intermediate container 01ac4d44cd88',
    ]);
    expect((failed as BuildFailedError).step).toBe(CLASSIC_EVENTS[3]!.stream);
    expect(steps).toHaveLength(2);
    expect(printed).toContain('a\rb');
  });

  it('on Podman too: the RUN output left without its \\n ends before the error', async () => {
    const failed = (await buildImage(fakeEngine(PODMAN_EVENTS), {
      context: new PassThrough(),
      dockerfile: 'Dockerfile',
      tag: 't',
      labels: {},
    }).catch((error: unknown) => error)) as BuildFailedError;
    expect(failed.output.slice(2)).toEqual(['npm notice', 'b', 'tail-no-nl']);
    expect(failed.step).toMatch(/^STEP 2\/2: RUN printf/);
    expect(failed.reason).toBe('building at STEP "RUN printf …; exit 1": while running runtime: exit status 1');
  });
});

/** An engine log stream: frames of [stream type, 0, 0, 0, length (big-endian)] and a payload. */
function frame(type: 1 | 2, text: string | Buffer): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('a container’s live output', () => {
  it('is cut into lines per stream, kept and matched clean, passed on as printed and masked', async () => {
    const stream = new PassThrough();
    const container = { logs: async () => stream, modem: new Modem() } as unknown as Docker.Container;
    const watcher = LogWatcher.follow(container, (line) => line.replaceAll('hunter2', '***'));
    const printed: string[] = [];
    watcher.onPrinted((line) => printed.push(line));
    await new Promise((resolve) => setImmediate(resolve));
    stream.write(frame(1, `${ESC}[32mready`));
    stream.write(frame(2, 'warn: slow\n'));
    stream.write(frame(1, ` on :8080${ESC}[0m\n10%\r`));
    stream.write(frame(1, '100%\npassword hun'));
    stream.write(frame(1, 'ter2'));
    stream.end();
    await watcher.ended;

    expect(watcher.lines()).toEqual(['warn: slow', 'ready on :8080', '100%', 'password ***']);
    expect(await watcher.firstMatch(/^ready on/).found).toBe('ready on :8080');
    expect(printed).toEqual(['warn: slow', `${ESC}[32mready on :8080${ESC}[0m`, '10%\r100%', 'password ***']);
  });
});
