import WebSocket from 'ws';
import { RefractError } from '../../domain/index.ts';
import type { OutgoingFrame, ProducerSession, SendOutcome } from './transport.ts';
import type { OpenSocket } from './ws-connect.ts';

interface Reply {
  readonly result?: string;
  readonly messageId?: string;
  readonly errorMsg?: string;
  readonly context?: string;
}

/**
 * A producer over one WebSocket. Sends are pipelined: each frame carries a `context` that the
 * broker echoes in its reply, which is how replies find their sends in any order.
 */
export function wsProducerSession({ socket, hold }: OpenSocket, topic: string, onClose: (reason: string) => void): ProducerSession {
  const waiting = new Map<string, { resolve: (o: SendOutcome) => void; reject: (e: unknown) => void }>();
  let next = 0;
  let closed: string | undefined;
  const lost = (why: string) =>
    new RefractError('LOG.UNAVAILABLE', `connection to Pulsar for ${topic} lost before the broker answered: ${why}`, { topic });

  socket.on('message', (data: Buffer) => {
    const reply = JSON.parse(data.toString()) as Reply;
    const waiter = reply.context === undefined ? undefined : waiting.get(reply.context);
    if (!waiter || reply.context === undefined) return;
    waiting.delete(reply.context);
    if (reply.result === 'ok' && reply.messageId) waiter.resolve({ ok: true, messageId: reply.messageId });
    else waiter.resolve({ ok: false, reason: `${reply.result ?? 'no result'}: ${reply.errorMsg ?? 'no reason given'}` });
  });
  socket.on('error', () => undefined); // 'close' follows and says why
  socket.once('close', (code: number, reason: Buffer) => {
    closed = `closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`;
    for (const waiter of waiting.values()) waiter.reject(lost(closed));
    waiting.clear();
    onClose(closed);
  });

  return {
    send(frame: OutgoingFrame) {
      if (closed !== undefined || socket.readyState !== WebSocket.OPEN) return Promise.reject(lost(closed ?? 'not open'));
      const context = String(next++);
      return new Promise<SendOutcome>((resolve, reject) => {
        waiting.set(context, { resolve, reject });
        const payload = Buffer.from(frame.payload.buffer, frame.payload.byteOffset, frame.payload.byteLength).toString('base64');
        hold();
        socket.send(JSON.stringify({ payload, key: frame.key, properties: frame.properties, context }), (error) => {
          if (!error || !waiting.delete(context)) return;
          reject(lost(error.message));
        });
      });
    },
    close: () => closeSocket(socket),
    kill: () => socket.terminate(),
  };
}

/** Closes politely and resolves once the socket is closed. */
export function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    const force = setTimeout(() => socket.terminate(), 5_000);
    force.unref();
    socket.close(1000);
  });
}
