import type { DeadLetters, Embedder, EventLog, GraphStore, Subscription, VectorStore } from '../../src/ports/index.ts';
import type { Parts } from './embedded-pipeline.ts';

/** Where in a batch the process dies. `receive` dies with the batch in hand, before it is decoded. */
export const CRASH_STEPS = ['receive', 'embed', 'graph write', 'vector write', 'dead letters', 'ack'] as const;
export type CrashStep = (typeof CRASH_STEPS)[number];

export interface Death {
  /** Resolves when the process has died. */
  readonly died: Promise<void>;
  readonly dead: () => boolean;
}

/**
 * The parts of a process that dies at the n-th call of `step` (after the call took effect, if
 * `landsFirst`). From then on every call of every part of that process hangs for ever, as if
 * the process were gone: nothing after the death point, not even an ack, ever runs. The log,
 * stores and dead letters underneath outlive it, as servers do.
 */
export function dyingProcess(
  parts: Parts, step: CrashStep, n: number, landsFirst: boolean,
  /** Also dies on any embed call these texts would make: a text that takes the model down. */
  killingText?: (text: string) => boolean,
): { parts: Parts; death: Death } {
  let dead = false;
  let die!: () => void;
  const died = new Promise<void>((resolve) => (die = resolve));
  const calls = new Map<CrashStep, number>();
  const never = () => new Promise<never>(() => undefined);

  async function at<T>(name: CrashStep | undefined, work: () => Promise<T>, kills = false): Promise<T> {
    if (dead) return never();
    if (kills) {
      dead = true;
      die();
      return never();
    }
    if (name !== step || (calls.set(name, (calls.get(name) ?? 0) + 1).get(name) ?? 0) < n) return work();
    if (landsFirst || name === 'receive') await work().then((result) => { if (name === 'receive') pending = result; });
    dead = true;
    die();
    // A receive that "lands" hands the batch to the process, which then dies holding it.
    return name === 'receive' ? (pending as T) : never();
  }
  let pending: unknown;

  const subscription = (inner: Subscription): Subscription => ({
    receive: (max, wait) => at('receive', () => inner.receive(max, wait)),
    ack: (messages) => at('ack', () => inner.ack(messages)),
    nack: (messages) => at(undefined, () => inner.nack(messages)),
    backlog: () => at(undefined, () => inner.backlog()),
    close: () => inner.close(),
    unsubscribe: () => inner.unsubscribe(),
  });
  const log: EventLog = {
    publish: (messages) => parts.log.publish(messages),
    subscribe: async (options) => subscription(await parts.log.subscribe(options)),
    read: (options) => parts.log.read(options),
    close: () => parts.log.close(),
  };
  const graph: GraphStore = { ...parts.graph, apply: (c) => at('graph write', () => parts.graph.apply(c)), get: (ids) => at(undefined, () => parts.graph.get(ids)) };
  const vectors: VectorStore = { ...parts.vectors, write: (w) => at('vector write', () => parts.vectors.write(w)), get: (i, ids) => at(undefined, () => parts.vectors.get(i, ids)) };
  const embedder: Embedder = { ...parts.embedder, embed: (texts) => at('embed', () => parts.embedder.embed(texts), texts.some((t) => killingText?.(t) ?? false)) };
  const deadLetters = { ...parts.deadLetters, send: (letters: Parameters<DeadLetters['send']>[0]) => at('dead letters', () => parts.deadLetters.send(letters)) };
  return { parts: { ...parts, log: log as Parts['log'], graph, vectors, embedder, deadLetters }, death: { died, dead: () => dead } };
}
