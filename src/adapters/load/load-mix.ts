/**
 * What a load run publishes, as shares of its events. The defaults follow a realistic banking
 * day: about one event in eight carries a new text to embed (13% in the run the targets come
 * from), a few deletes, and a few producer retries that publish a message twice.
 */
export interface LoadMix {
  /** Share of events that give a person or company a new `text_for_embedding` (creates of them included). */
  readonly textChangeShare: number;
  /** Share of events that delete a live entity (a versioned tombstone). */
  readonly deleteShare: number;
  /** Share of events published twice, as a producer retry would. */
  readonly duplicateShare: number;
}

export const DEFAULT_LOAD_MIX: LoadMix = { textChangeShare: 0.13, deleteShare: 0.03, duplicateShare: 0.02 };
