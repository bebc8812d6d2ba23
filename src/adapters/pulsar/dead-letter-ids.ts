/**
 * A letter's id: its message id on the dead-letter topic written the way Pulsar's own tools
 * write one (`ledger:entry:partition`, plus `:batchIndex` inside a batch), so an operator can
 * also find it with `pulsar-admin topics get-message-by-id`. The WebSocket API hands out the
 * id as the base64 of its `MessageIdData` protobuf; one it cannot read keeps that form.
 */
export function letterIdOf(wsMessageId: string): string {
  const fields = readMessageIdData(Buffer.from(wsMessageId, 'base64'));
  const ledger = fields.get(1);
  const entry = fields.get(2);
  if (ledger === undefined || entry === undefined) return wsMessageId;
  const partition = BigInt.asIntN(32, fields.get(3) ?? -1n);
  const batch = fields.get(4);
  return `${ledger}:${entry}:${partition}${batch === undefined || BigInt.asIntN(32, batch) < 0n ? '' : `:${BigInt.asIntN(32, batch)}`}`;
}

/** The varint fields of a protobuf message (other wire types are skipped); an empty map if the bytes are not one. */
function readMessageIdData(bytes: Uint8Array): Map<number, bigint> {
  const fields = new Map<number, bigint>();
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; at < bytes.length && shift < 70n; shift += 7n) {
      const byte = bytes[at++] ?? 0;
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new Error('truncated varint');
  };
  try {
    while (at < bytes.length) {
      const tag = Number(varint());
      const [field, wire] = [tag >>> 3, tag & 7];
      if (wire === 0) fields.set(field, BigInt.asUintN(64, varint()));
      else if (wire === 2) at += Number(varint());
      else if (wire === 1) at += 8;
      else if (wire === 5) at += 4;
      else return new Map();
    }
  } catch {
    return new Map();
  }
  return fields;
}
