import WebSocket from 'ws';
import type { ConsumerHandlers, ConsumerSession } from './transport.ts';
import type { OpenSocket } from './ws-connect.ts';
import { closeSocket } from './ws-producer-session.ts';

interface Delivered {
  readonly messageId: string;
  readonly payload: string;
  readonly key?: string;
  readonly properties?: Record<string, string>;
  readonly redeliveryCount?: number;
  readonly publishTime?: string;
}

/**
 * A consumer over one WebSocket. The broker pushes up to `receiverQueueSize` unacked messages
 * and then waits for acks (or nacks), which is the only flow control the WebSocket API has.
 * Acks and nacks are fire-and-forget frames: the API sends no receipt for them.
 */
export function wsConsumerSession({ socket, hold }: OpenSocket, handlers: ConsumerHandlers): ConsumerSession {
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
    const m = JSON.parse(data.toString()) as Delivered;
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
    handlers.onClose(`closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
  });

  return {
    ack: (messageId) => command({ messageId }),
    nack: (messageId) => command({ type: 'negativeAcknowledge', messageId }),
    flush: () => (unsent === 0 ? Promise.resolve() : new Promise<void>((resolve) => drained.push(resolve))),
    close: () => closeSocket(socket),
    kill: () => socket.terminate(),
  };
}
