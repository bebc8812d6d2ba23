export * from './graph-sink.ts';
export * from './leg.ts';
export * from './leg-stats.ts';
export * from './process-batch.ts';
export * from './retry.ts';
export * from './runner.ts';
export * from './sink.ts';
export * from './vector-sink.ts';
