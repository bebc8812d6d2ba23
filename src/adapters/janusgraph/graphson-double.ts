import { gremlin, type GraphSONSerializer } from './gremlin-driver.ts';

/**
 * A number the adapter wants stored as a Java Double. The driver writes a JS number as bare
 * JSON, which the server reads as Integer when it has no fraction: JanusGraph's default
 * schema maker would then create the key as Integer and refuse 12.5 later. Wrapping every
 * payload number keeps each key's type stable (docs/adr/0009).
 */
export class GraphDouble {
  constructor(readonly value: number) {}
}

const doubleSerializer: GraphSONSerializer = {
  canBeUsedFor: (value) => value instanceof GraphDouble,
  serialize: (value) => ({ '@type': 'g:Double', '@value': (value as GraphDouble).value }),
};

/** A GraphSON 3 writer that knows GraphDouble, for the remote connection's `writer` option. */
export function createGraphSONWriter(): unknown {
  return new gremlin.structure.io.GraphSONWriter({ serializers: { 'g:Double': doubleSerializer } });
}

/** Payload values as the server should type them: numbers as Double, the rest as they are. */
export const toGraphValue = (value: string | number | boolean): string | boolean | GraphDouble =>
  typeof value === 'number' ? new GraphDouble(value) : value;
