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

/** A letter read back from its leg's destination. */
export interface StoredDeadLetter extends DeadLetter {
  /** Names the letter in its leg's destination, the same at every read (Pulsar: its message id there). */
  readonly id: string;
  /** When it was dead-lettered (ms since the epoch). */
  readonly deadLetteredAt: number;
  /** Set when the letter was too large to keep whole: how many bytes of the original payload were left out. */
  readonly payloadOmitted?: number;
}

/** Progress of a read through a leg's backlog. */
export interface ScanOptions {
  /** Called now and then with how many letters have been looked at so far. */
  readonly onScanned?: (scanned: number) => void;
}

export interface TakeOptions extends ScanOptions {
  /** At most this many letters (an adapter may hold fewer at once: Pulsar 1,000). */
  readonly limit: number;
  /** Only letters this accepts are taken; the others are looked past and stay where they are. */
  readonly wanted?: (letter: StoredDeadLetter) => boolean;
}

/**
 * Letters taken from a leg's backlog and held by this session: no other session takes them
 * until it closes (on Pulsar, neither the letters it looked past). Only `remove` takes a letter
 * out for good; `close` gives back the rest.
 */
export interface DeadLetterSession {
  readonly letters: readonly StoredDeadLetter[];
  /** How many letters were looked at to find these, wanted or not. */
  readonly scanned: number;
  /** Removes these letters (each one of `letters`) from the backlog for good. */
  remove(ids: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Each leg has its own dead-letter destination; letters are kept there until re-driven. */
export interface DeadLetters {
  /** Resolves once every letter is durable; only then may the originals be acked. */
  send(letters: readonly DeadLetter[]): Promise<void>;
  /** Up to `limit` letters of the leg, oldest first as far as the destination knows; reading changes nothing. */
  list(leg: string, limit: number, options?: ScanOptions): Promise<StoredDeadLetter[]>;
  /** How many letters wait in the leg's dead-letter destination (not yet re-driven), held ones included. */
  depth(leg: string): Promise<number>;
  /** Takes letters from the leg's backlog, to re-drive them and then remove those that were. */
  open(leg: string, options: TakeOptions): Promise<DeadLetterSession>;
}
