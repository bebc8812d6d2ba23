import { expect, it } from 'vitest';
import { gremlinClient } from '../../../support/gremlin-client.ts';

/**
 * The writes the guard must catch, as the outer test asks: GUARD_FIXTURE_NAMESPACE created on
 * the Pulsar at GUARD_FIXTURE_PULSAR; vertices tagged GUARD_FIXTURE_DROP dropped from the
 * JanusGraph at GUARD_FIXTURE_GREMLIN (as a tombstone purge would). Nothing when none is set.
 */
it('does what the outer test asked', async () => {
  const {
    GUARD_FIXTURE_PULSAR: pulsar, GUARD_FIXTURE_NAMESPACE: namespace, GUARD_FIXTURE_GREMLIN: gremlin, GUARD_FIXTURE_DROP: tag,
  } = process.env;
  if (pulsar && namespace) {
    const res = await fetch(`${pulsar}/admin/v2/namespaces/${namespace}`, { method: 'PUT' });
    expect(res.status).toBe(204);
  }
  if (gremlin && tag) {
    const { g, close } = gremlinClient(gremlin);
    try {
      await g.V().has('guard_probe_run', tag).drop().iterate();
    } finally {
      await close();
    }
  }
});
