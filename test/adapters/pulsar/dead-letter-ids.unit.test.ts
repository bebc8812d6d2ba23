import { describe, expect, it } from 'vitest';
import { letterIdOf } from '../../../src/adapters/pulsar/dead-letter-ids.ts';

const b64 = (...bytes: number[]) => Buffer.from(bytes).toString('base64');
const MINUS_ONE = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];

describe('letterIdOf', () => {
  describe('when the WebSocket API hands out a MessageIdData', () => {
    it('writes it as Pulsar does: ledger:entry:partition, plus the batch index inside a batch', () => {
      expect(letterIdOf(b64(0x08, 0x7c, 0x10, 0x07, 0x18, ...MINUS_ONE))).toBe('124:7:-1');
      expect(letterIdOf(b64(0x08, 0xac, 0x02, 0x10, 0x00, 0x18, ...MINUS_ONE, 0x20, 0x03, 0x30, 0x0a))).toBe('300:0:-1:3');
      expect(letterIdOf(b64(0x08, 0x01, 0x10, 0x02, 0x18, 0x04))).toBe('1:2:4');
    });
  });

  describe('when the id is not one it can read', () => {
    it('keeps the id as it came', () => {
      expect(letterIdOf('not-protobuf!')).toBe('not-protobuf!');
      expect(letterIdOf(b64(0x08))).toBe(b64(0x08));
    });
  });
});
