import WebSocket from 'ws';

/**
 * Publishes one message through Pulsar's WebSocket API and closes the producer: for tests
 * that need a write without Refract's adapters, and without a producer left connected (a
 * connected producer reloads a topic that a test unloaded). Resolves the broker's message id.
 */
export async function publishOnce(wsUrl: string, topic: string, payload: string): Promise<string> {
  const socket = new WebSocket(`${wsUrl}/ws/v2/producer/${topic.replace('://', '/')}`);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`${topic}: HTTP ${res.statusCode ?? '?'}`)));
    });
    const reply = new Promise<Record<string, unknown>>((resolve) => {
      socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as Record<string, unknown>));
    });
    socket.send(JSON.stringify({ payload: Buffer.from(payload).toString('base64'), key: 'k', context: '1' }));
    const answer = await reply;
    if (answer['result'] !== 'ok') throw new Error(`publish to ${topic} failed: ${JSON.stringify(answer)}`);
    return String(answer['messageId']);
  } finally {
    socket.close();
  }
}
