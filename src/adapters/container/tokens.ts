import type { ServiceIdentifier } from 'inversify';
import type { App } from '../../projections/app.ts';
import type { RefractConfig } from '../config/config.ts';
import type { PrometheusMetrics } from '../prometheus/prometheus-metrics.ts';
import type { Clock, DeadLetters, Embedder, EventLog, GraphStore, InFlightJournal, Logger, Metrics, VectorStore } from '../../ports/index.ts';

/** Opens the in-flight journal of one leg (docs/adr/0012). */
export type JournalFactory = (leg: string) => InFlightJournal;

/** Injection tokens: one per port, plus the configuration. */
export const TOKENS = {
  Config: Symbol.for('refract.Config') as ServiceIdentifier<RefractConfig>,
  /** The application: entities, topics and projections (docs/adr/0016). */
  App: Symbol.for('refract.App') as ServiceIdentifier<App>,
  EventLog: Symbol.for('refract.EventLog') as ServiceIdentifier<EventLog>,
  GraphStore: Symbol.for('refract.GraphStore') as ServiceIdentifier<GraphStore>,
  VectorStore: Symbol.for('refract.VectorStore') as ServiceIdentifier<VectorStore>,
  Embedder: Symbol.for('refract.Embedder') as ServiceIdentifier<Embedder>,
  DeadLetters: Symbol.for('refract.DeadLetters') as ServiceIdentifier<DeadLetters>,
  Metrics: Symbol.for('refract.Metrics') as ServiceIdentifier<Metrics>,
  /** Bound only where the container serves Prometheus metrics (`refract run`, `refract load`); then it is also `Metrics`. */
  PrometheusMetrics: Symbol.for('refract.PrometheusMetrics') as ServiceIdentifier<PrometheusMetrics>,
  Clock: Symbol.for('refract.Clock') as ServiceIdentifier<Clock>,
  Logger: Symbol.for('refract.Logger') as ServiceIdentifier<Logger>,
  Journals: Symbol.for('refract.Journals') as ServiceIdentifier<JournalFactory>,
} as const;
