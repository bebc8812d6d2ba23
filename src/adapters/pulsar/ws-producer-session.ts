import WebSocket from 'ws';
import { RefractError } from '../../domain/index.ts';
import type { OutgoingFrame, ProducerSession, SendOutcome } from './transport.ts';
import type { OpenSocket } from './ws-connect.ts';
import { parseReply } from './ws-frames.ts';

/**
 * The largest text frame the broker accepts (its `webSocketMaxTextFrameSize`), shared by a
 * transport's sessions. It starts at the configured figure and drops to the broker's own when
 * the broker proves it lower by closing a connection with 1009.
 */
export interface FrameLimit {
  get(): number;
  lower(bytes: number): void;
}

/**
 * A producer over one WebSocket. Sends are pipelined: each frame carries a `context` that the
 * broker echoes in its reply, which is how replies find their sends in any order. A frame over
 * the broker's limit is never sent: the broker would close the connection (1009) and a resend
 * would close it again, for ever. A reply this session cannot read (not JSON, or naming no
 * send) fails the session: its sends cannot be told apart any more, so every unanswered one
 * fails as retryable LOG.UNAVAILABLE naming the frame, the connection is cut, and the owner
 * resends them on a new one.
 */
export function wsProducerSession(
  { socket, hold }: OpenSocket, topic: string, onClose: (reason: string) => void, frameLimit: FrameLimit,
): ProducerSession {
  const waiting = new Map<string, { bytes: number; resolve: (o: SendOutcome) => void; reject: (e: unknown) => void }>();
  let next = 0;
  let closed: string | undefined;
  /** Set when the broker sent a frame this session cannot read: the session is over. */
  let failed: string | undefined;
  const lost = (why: string) =>
    new RefractError('LOG.UNAVAILABLE', `connection to Pulsar for ${topic} lost before the broker answered: ${why}`, { topic });
  const tooLarge = (bytes: number, limit: number): SendOutcome => ({
    ok: false,
    tooLarge: true,
    reason: `message too large for Pulsar's WebSocket API on ${topic}: a frame of ${bytes} bytes (base64 payload, key and properties), the limit is ${limit} (webSocketMaxTextFrameSize)`,
  });

  socket.on('message', (data: Buffer) => {
    if (failed !== undefined) return;
    const parsed = parseReply(data);
    if (!parsed.ok) {
      failed = `Pulsar sent ${parsed.problem} to the producer of ${topic}`;
      const unreadable = new RefractError('LOG.UNAVAILABLE', `${failed}; the connection is cut and its unanswered sends can be resent`, { topic });
      for (const waiter of waiting.values()) waiter.reject(unreadable);
      waiting.clear();
      socket.terminate();
      return;
    }
    const reply = parsed.frame;
    const waiter = waiting.get(reply.context);
    if (!waiter) return;
    waiting.delete(reply.context);
    if (reply.result === 'ok' && reply.messageId) waiter.resolve({ ok: true, messageId: reply.messageId });
    else {
      const reason = `${reply.result}: ${reply.errorMsg ?? 'no reason given'}`;
      // Over the broker's maxMessageSize: "InvalidMessageException: … sends a message with N bytes that exceeds M bytes".
      waiter.resolve({ ok: false, reason, ...(/InvalidMessageException.*exceeds/s.test(reason) ? { tooLarge: true } : {}) });
    }
  });
  socket.on('error', () => undefined); // 'close' follows and says why
  socket.once('close', (code: number, reason: Buffer) => {
    closed = failed ?? `closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`;
    // 1009: an unanswered frame was over the broker's limit. Those frames fail for good; the rest are resent.
    const limit = code === 1009 ? brokerFrameLimit(reason.toString(), [...waiting.values()].map((w) => w.bytes)) : undefined;
    if (limit !== undefined) frameLimit.lower(limit);
    for (const waiter of waiting.values()) {
      if (limit !== undefined && waiter.bytes > limit) waiter.resolve(tooLarge(waiter.bytes, limit));
      else waiter.reject(lost(closed));
    }
    waiting.clear();
    onClose(closed);
  });

  return {
    send(frame: OutgoingFrame) {
      if (closed !== undefined || failed !== undefined || socket.readyState !== WebSocket.OPEN) return Promise.reject(lost(closed ?? failed ?? 'not open'));
      const context = String(next++);
      const payload = Buffer.from(frame.payload.buffer, frame.payload.byteOffset, frame.payload.byteLength).toString('base64');
      // Encoded once: the same bytes are measured against the limit and sent as a text frame.
      const json = Buffer.from(JSON.stringify({ payload, key: frame.key, properties: frame.properties, context }));
      const bytes = json.length;
      const limit = frameLimit.get();
      if (bytes > limit) return Promise.resolve(tooLarge(bytes, limit));
      return new Promise<SendOutcome>((resolve, reject) => {
        waiting.set(context, { bytes, resolve, reject });
        hold();
        // A failed write (EPIPE when the broker closed on an oversized frame) settles nothing
        // here: 'close' always follows, and only its code says which frames can never go.
        socket.send(json, { binary: false });
      });
    },
    close: () => closeSocket(socket),
    kill: () => socket.terminate(),
  };
}

/**
 * The limit a 1009 close proves: Jetty names it ("Text message size [N] exceeds maximum size
 * [M]"); failing that, the largest unanswered frame was certainly over it.
 */
export function brokerFrameLimit(reason: string, unanswered: readonly number[]): number | undefined {
  const named = /maximum size \[(\d+)\]/.exec(reason)?.[1];
  if (named !== undefined) return Number(named);
  return unanswered.length ? Math.max(...unanswered) - 1 : undefined;
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
