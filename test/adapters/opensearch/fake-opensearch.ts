import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAnswer {
  readonly status: number;
  readonly body?: unknown;
}

/**
 * An HTTP server standing in for OpenSearch: every request gets what `answer` returns, or no
 * answer at all when it returns 'hang' (a server that accepted the connection and then hung).
 * `requests` counts what reached it, so a test sees retries the client made on its own.
 */
export async function fakeOpenSearch(answer: (method: string, path: string) => FakeAnswer | 'hang') {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests.push(`${request.method ?? ''} ${request.url ?? ''}`);
      const reply = answer(request.method ?? '', request.url ?? '');
      if (reply === 'hang') return;
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** An OpenSearch error body, as the server sends it. */
export const errorBody = (status: number, type: string, reason: string) =>
  ({ error: { root_cause: [{ type, reason }], type, reason }, status });
