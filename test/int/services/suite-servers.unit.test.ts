import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writePidFile } from '../../../scripts/services/pid-file.ts';
import { pulsar } from '../../../scripts/services/pulsar.ts';
import { obtainSuiteServer } from '../../support/suite-servers.ts';
import type { SuiteStack } from '../../support/suite-stack.ts';

/**
 * How the global setup treats something already answering on the suite's ports: it reuses it
 * only when the suite's pid file names the process that listens there, and otherwise fails,
 * naming the port and what listens. A fake Pulsar (its admin API's two probe answers) served
 * by this very process stands in for the server; Docker is pointed at nothing.
 */
let fake: Server;
let port = 0;
const root = mkdtempSync(join(tmpdir(), 'refract-suite-servers-'));
const stack = (): SuiteStack => ({ root, ports: { pulsar: { web: port, broker: 1, bookie: 2 }, janusgraph: {}, opensearch: {} }, env: {} });
const dockerHost = process.env['DOCKER_HOST'];

beforeAll(async () => {
  process.env['DOCKER_HOST'] = `unix://${join(root, 'no-docker.sock')}`;
  fake = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(req.url === '/admin/v2/namespaces/public' ? '["public/default"]' : '4.0.7');
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  port = (fake.address() as { port: number }).port;
});

afterEach(() => rmSync(join(root, 'pulsar'), { recursive: true, force: true }));

afterAll(async () => {
  await new Promise((resolve) => fake.close(resolve));
  rmSync(root, { recursive: true, force: true });
  if (dockerHost === undefined) delete process.env['DOCKER_HOST'];
  else process.env['DOCKER_HOST'] = dockerHost;
});

describe('obtainSuiteServer', () => {
  describe('when a server answers on the suite\'s port and no pid file of the suite names it', () => {
    it('refuses it, naming the port, what answered and which process listens', async () => {
      const error = await obtainSuiteServer(pulsar, stack()).catch((e: unknown) => e);
      expect(String(error)).toContain(`SERVICES.NOT_OURS: pulsar: Pulsar 4.0.7 answers on the suite's web port ${port}`);
      expect(String(error)).toContain(`listening: pid ${process.pid} (`);
      expect(String(error)).toContain('REFRACT_TEST_PULSAR_WEB_PORT');
    });
  });

  describe('when the suite\'s pid file names a live process that does not listen there', () => {
    it('refuses it too: a live pid alone proves nothing', async () => {
      mkdirSync(join(root, 'pulsar'), { recursive: true });
      await writePidFile(join(root, 'pulsar'), process.ppid);
      const error = await obtainSuiteServer(pulsar, stack()).catch((e: unknown) => e);
      expect(String(error)).toContain(`pid ${process.ppid} from ${join(root, 'pulsar')}/pid does not listen on the web port ${port}`);
    });
  });

  describe('when the suite\'s pid file names the process that listens on the port', () => {
    it('reuses the server and leaves it running at the end', async () => {
      mkdirSync(join(root, 'pulsar'), { recursive: true });
      await writePidFile(join(root, 'pulsar'), process.pid);
      const server = await obtainSuiteServer(pulsar, stack());
      expect(server).toMatchObject({ host: '127.0.0.1', ports: { web: port }, launcher: { root } });
      expect(server.stop).toBeUndefined();
    });
  });

  describe('when the suite\'s port is held by something that does not answer', () => {
    it('fails before starting anything, naming the port and the process that holds it', async () => {
      const tcp = createTcpServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
      const held = (tcp.address() as { port: number }).port;
      try {
        const error = await obtainSuiteServer(pulsar, {
          ...stack(), ports: { ...stack().ports, pulsar: { web: held, broker: 1, bookie: 2 } },
        }).catch((e: unknown) => e);
        expect(String(error)).toContain(`SERVICES.PORT_TAKEN: pulsar: the suite's web port ${held} is held by pid ${process.pid} (`);
      } finally {
        await new Promise((resolve) => tcp.close(resolve));
      }
    });
  });
});
