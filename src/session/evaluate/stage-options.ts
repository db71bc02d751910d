/** What the evaluator's stages (the image builder, the container runner) are made with, in one object. */
export interface StageOptions<S, E> {
  settings: S;
  /** The value of the deploybisect.session label on what the stage creates. */
  sessionId: string;
  /** Masks secret values in text the stage keeps (output lines, evidence). */
  redact: (text: string) => string;
  /** Lines of output kept with an outcome. */
  logLines: number;
  events: E;
}
