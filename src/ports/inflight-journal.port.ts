/**
 * A leg's durable record of the messages it is working on (docs/adr/0012). If the
 * process dies, the next one finds them still recorded: each counts as present at one more
 * crash. A message present at several consecutive crashes is isolated and dead-lettered
 * instead of crashing the process for ever.
 */
export interface InFlightJournal {
  /** Consecutive crashes the message was in flight at (0 for one never seen at a crash). */
  crashes(id: string): number;
  /** Records `ids` as in flight; resolves once the record would survive the process dying. */
  begin(ids: readonly string[]): Promise<void>;
  /** The work on `ids` ended without a crash: they are no longer in flight or suspect. */
  end(ids: readonly string[]): Promise<void>;
}
