import type { EventLog, OutgoingMessage } from '../../ports/index.ts';

/** What the publisher has seen since the last `drain()`, and now. */
export interface PublishActivity {
  persisted: number;
  failed: number;
}

/**
 * Hands each slice of due events to the log without waiting for it: publishes overlap when the
 * log is slow, so the schedule never bends to the system under test. Counts what the log
 * confirms; `settle()` waits for the publishes still in flight.
 */
export function createLoadPublisher(log: EventLog, take: (n: number) => OutgoingMessage[]) {
  const inFlight = new Set<Promise<void>>();
  let current: PublishActivity = { persisted: 0, failed: 0 };
  let totalPersisted = 0;
  let lastError: string | undefined;
  return {
    emit(n: number): void {
      const messages = take(n);
      const done = log.publish(messages).then(
        (result) => {
          current.persisted += result.persisted;
          current.failed += result.failed.length;
          totalPersisted += result.persisted;
          if (result.failed[0]) lastError = result.failed[0].reason;
        },
        (error: unknown) => {
          current.failed += messages.length;
          lastError = error instanceof Error ? error.message : String(error);
        },
      );
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
    },
    drain(): PublishActivity {
      const out = current;
      current = { persisted: 0, failed: 0 };
      return out;
    },
    totalPersisted: () => totalPersisted,
    lastError: () => lastError,
    settle: async () => {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
  };
}
export type LoadPublisher = ReturnType<typeof createLoadPublisher>;
