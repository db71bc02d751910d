/**
 * One wording for a build failure, whichever builder reported it, so that a signature (and with it
 * `--regression build` and the explanation) means the same on the classic builder, BuildKit and
 * Podman's buildah; and plain words when the builder, not the commit, is what cannot build it.
 */

/** [pattern, rewrite] pairs, tried in order; the first that matches rewrites the message. */
const SAME_WORDING: ReadonlyArray<[RegExp, (m: RegExpExecArray) => string]> = [
  // BuildKit 0.8 (Docker 20.10) and later, and buildah: a RUN that exits non-zero.
  [/executor failed running \[(.*)\]: exit code: (\d+)/, (m) => `The command '${m[1]}' returned a non-zero code: ${m[2]}`],
  [/process "(.*)" did not complete successfully: exit code: (\d+)/, (m) => `The command '${m[1]}' returned a non-zero code: ${m[2]}`],
  [
    /building at STEP "RUN (?!\[)(.*)": while running runtime: exit status (\d+)/,
    (m) => `The command '/bin/sh -c ${m[1]}' returned a non-zero code: ${m[2]}`,
  ],
  // A COPY or ADD source that is not in the context.
  [/"\/?([^"]+)":? not found(: not found)?/, (m) => missingSource(m[1]!)],
  [/copier: stat: "\/?([^"]+)": no such file or directory/, (m) => missingSource(m[1]!)],
];

function missingSource(path: string): string {
  return `COPY failed: file not found in build context or excluded by .dockerignore: stat ${path}: file does not exist`;
}

/** Messages that say the builder cannot build this Dockerfile (whatever the commit), and what to say instead. */
const BUILDER_LIMITS: ReadonlyArray<[RegExp, string]> = [
  [
    /the --(mount|chmod|link) option requires BuildKit/,
    'this Dockerfile needs BuildKit (the classic builder has no $&): use --builder auto or buildkit',
  ],
  [/Unknown flag: link/, "this engine's Dockerfile frontend (Docker before 23) has no COPY --link"],
  [/COPY only supports the --chmod=\S+ --chown=\S+ and the --from=\S+ flags/, "Podman's buildah has no COPY --link"],
  [
    /resolve image config for docker\.io\/docker\/dockerfile|failed to solve with frontend gateway/,
    "the Dockerfile's `# syntax=` line makes the engine fetch a frontend image, which failed",
  ],
];

/** The message of a failed build, in the classic builder's words where they say the same thing. */
export function sameWording(reason: string, dockerfileText = ''): string {
  for (const [pattern, says] of BUILDER_LIMITS) {
    const match = pattern.exec(reason);
    if (match) return `${says.replace('$&', match[1] ? `--${match[1]}` : match[0])} (${reason.trim()})`;
  }
  if (/unknown instruction/i.test(reason) && /^\s*(RUN|COPY|ADD)\b[^\n]*<<-?\s*["']?\w+/im.test(dockerfileText)) {
    return `this engine's Dockerfile frontend (Docker before 23) has no heredocs (${reason.trim()})`;
  }
  for (const [pattern, rewrite] of SAME_WORDING) {
    const match = pattern.exec(reason);
    if (match) return rewrite(match);
  }
  return reason;
}
