/** Labels put on every container and image deploybisect creates, so that it can find and reap them. */
export const LABEL_SESSION = 'deploybisect.session';
export const LABEL_COMMIT = 'deploybisect.commit';
/** On images: what they were built from (context fingerprint and build settings), for --keep-images reuse. */
export const LABEL_BUILD = 'deploybisect.build';

export function resourceLabels(sessionId: string, commit: string): Record<string, string> {
  return { [LABEL_SESSION]: sessionId, [LABEL_COMMIT]: commit };
}
