import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { servicesRoot } from '../../../scripts/services/context.ts';
import { janusgraph, janusgraphUrl } from '../../../scripts/services/janusgraph.ts';
import { startService, stopService } from '../../../scripts/services/run-service.ts';
import type { ServiceContext } from '../../../scripts/services/service.ts';
import { initGraphSchema } from '../../../src/adapters/janusgraph/init-graph-schema.ts';
import { freePort } from '../../support/free-port.ts';


/**
 * A JanusGraph of a test file's own, for tests that work on the whole graph or kill the server:
 * the project's launcher on a free port with an empty data folder (`name` under the services
 * folder), the schema in place; `stop` removes it again, so the run's shared server is never touched.
 */
export function privateJanusGraph(name: string) {
  const ctx: ServiceContext = {
    dir: join(servicesRoot(), name),
    ports: { gremlin: 0 },
    log: (message) => console.log(`private janusgraph: ${message}`),
  };
  return {
    ctx,
    async start(): Promise<string> {
      Object.assign(ctx, { ports: { gremlin: await freePort() } });
      await rm(join(ctx.dir, 'data'), { recursive: true, force: true });
      await startService(janusgraph, ctx);
      const url = janusgraphUrl(ctx.ports.gremlin ?? 0);
      await initGraphSchema({ url });
      return url;
    },
    async stop(): Promise<void> {
      await stopService(janusgraph, ctx);
      await rm(join(ctx.dir, 'data'), { recursive: true, force: true });
    },
  };
}
