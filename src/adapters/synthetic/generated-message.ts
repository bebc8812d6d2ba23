import type { EntityEvent } from '../../domain/index.ts';

/** One message as a producer would publish it. */
export interface GeneratedMessage {
  readonly topic: string;
  readonly key: string;
  readonly payload: Uint8Array;
  /** The decoded event; absent for malformed messages. */
  readonly event?: EntityEvent;
}
