/** A message a leg gave up on, with why; the original bytes are kept for re-drive. */
export interface DeadLetter {
  readonly leg: string;
  readonly key: string;
  readonly sourceTopic: string;
  readonly payload: Uint8Array;
  readonly reason: string;
  readonly code: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly stack?: string;
}

/** Each leg has its own dead-letter destination. */
export interface DeadLetters {
  /** Resolves once every letter is durable; only then may the originals be acked. */
  send(letters: readonly DeadLetter[]): Promise<void>;
  list(leg: string, limit: number): Promise<DeadLetter[]>;
  /** How many letters wait in the leg's dead-letter destination (not yet re-driven). */
  depth(leg: string): Promise<number>;
}
