import { describe, expect, it } from 'vitest';
import { brokerReason } from '../../../src/adapters/pulsar/ws-connect.ts';

/** Titles as Pulsar 4.0.7's WebSocket handler sends them with a refused upgrade. */
const page = (status: number, title: string) => `<html><head><title>Error ${status} ${title}</title></head><body></body></html>`;

describe('brokerReason', () => {
  describe('when the broker refuses a second producer with the same name', () => {
    it('names the broker\'s error, ProducerBusy, and keeps its message', () => {
      const html = page(409, 'Failed to create producer/consumer: {&quot;errorMsg&quot;:&quot;org.apache.pulsar.broker.service.BrokerServiceException$NamingException: Producer with name &apos;p&apos; is already connected to topic &apos;persistent://t/n/x&apos;&quot;,&quot;reqId&quot;:1, &quot;remote&quot;:&quot;127.0.0.1/127.0.0.1:6650&quot;}');
      expect(brokerReason(html)).toBe("ProducerBusy: Producer with name 'p' is already connected to topic 'persistent://t/n/x'");
    });
  });

  describe('when the namespace does not exist', () => {
    it('gives the broker\'s plain message', () => {
      const html = page(404, 'Failed to create producer/consumer: {&quot;errorMsg&quot;:&quot;Namespace not found&quot;,&quot;reqId&quot;:3}');
      expect(brokerReason(html)).toBe('Namespace not found');
    });
  });

  describe('when the body is not Pulsar\'s page', () => {
    it('falls back to the text or the status message', () => {
      expect(brokerReason('', 'Bad Gateway')).toBe('Bad Gateway');
      expect(brokerReason('plain text')).toBe('plain text');
    });
  });
});
