export type * from './clock.port.ts';
export type * from './dead-letters.port.ts';
export type * from './embedder.port.ts';
export type * from './event-log.port.ts';
export type * from './graph-store.port.ts';
export type * from './metrics.port.ts';
export type * from './vector-store.port.ts';
