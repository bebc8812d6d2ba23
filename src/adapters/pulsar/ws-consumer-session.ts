import WebSocket from 'ws';
import { RefractError } from '../../domain/index.ts';
import type { ConsumerHandlers, ConsumerSession } from './transport.ts';
import type { OpenSocket } from './ws-connect.ts';
import { parseDelivered } from './ws-frames.ts';
import { closeSocket } from './ws-producer-session.ts';

/**
 * A consumer over one WebSocket. The broker pushes up to `receiverQueueSize` unacked messages
 * and then waits for acks (or nacks), which is the only flow control the WebSocket API has.
 * Acks and nacks are fire-and-forget frames: the API sends no receipt for them. A frame this
 * session cannot read (not JSON, or not a message) fails the whole session: it cannot be acked
 * or nacked without its id, so the connection is cut, the broker hands out again whatever it
 * held, and the owner reconnects; `onClose` names the frame and passes a retryable
 * LOG.UNAVAILABLE as the failure.
 */
export function wsConsumerSession({ socket, hold }: OpenSocket, topic: string, handlers: ConsumerHandlers): ConsumerSession {
  let failed: string | undefined;
  let unsent = 0;
  let drained: (() => void)[] = [];
  const settle = () => {
    if (--unsent > 0) return;
    for (const done of drained) done();
    drained = [];
  };
  const command = (frame: object) => {
    if (socket.readyState !== WebSocket.OPEN) return; // the broker redelivers what this connection held
    unsent++;
    hold();
    socket.send(JSON.stringify(frame), settle);
  };

  socket.on('message', (data: Buffer) => {
    if (failed !== undefined) return; // the connection is being cut; the broker redelivers
    const parsed = parseDelivered(data);
    if (!parsed.ok) {
      failed = `Pulsar sent ${parsed.problem} to the consumer of ${topic}; reconnecting`;
      socket.terminate();
      return;
    }
    const m = parsed.frame;
    const bytes = Buffer.from(m.payload, 'base64');
    handlers.onMessage({
      messageId: m.messageId,
      key: m.key ?? '',
      payload: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      properties: m.properties ?? {},
      redeliveryCount: m.redeliveryCount ?? 0,
      publishTime: m.publishTime ? Date.parse(m.publishTime) : 0,
    });
  });
  socket.on('error', () => undefined); // 'close' follows and says why
  socket.once('close', (code: number, reason: Buffer) => {
    unsent = 0;
    for (const done of drained) done();
    drained = [];
    if (failed !== undefined) handlers.onClose(failed, new RefractError('LOG.UNAVAILABLE', failed, { topic }));
    else handlers.onClose(`closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
  });

  return {
    ack: (messageId) => command({ messageId }),
    nack: (messageId) => command({ type: 'negativeAcknowledge', messageId }),
    flush: () => (unsent === 0 ? Promise.resolve() : new Promise<void>((resolve) => drained.push(resolve))),
    close: () => closeSocket(socket),
    kill: () => socket.terminate(),
  };
}
