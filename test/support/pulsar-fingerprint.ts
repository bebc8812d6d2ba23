import { getJson, isRecord, strings, type Fingerprint } from './stack-fingerprint.ts';

/** Past this many topics the reading stops and says so: a guard must stay quick. */
const MAX_TOPICS = 300;

/**
 * A Pulsar's tenants, namespaces and persistent topics, and per topic what it holds:
 * - a topic with durable subscriptions: its storage size and each subscription's backlog
 *   (`stats`, which loads the topic: harmless, the broker never garbage-collects a topic
 *   that has subscriptions);
 * - a topic without: its ledger list from `internal-info`, which reads metadata without
 *   loading the topic. Loading it would start the broker's inactivity clock, and 60 s later
 *   a default broker deletes an idle topic without subscriptions: the guard itself would
 *   destroy data. A write loads the topic and opens a new ledger, so it still shows.
 * Topics named `__…` are the broker's own (topic policies) and change by themselves.
 */
export async function pulsarFingerprint(webUrl: string): Promise<Fingerprint> {
  const admin = (path: string) => getJson(`${webUrl}/admin/v2${path}`);
  const facts: Record<string, string> = {};
  const topics: string[] = [];
  for (const tenant of strings(await admin('/tenants'))) {
    for (const namespace of strings(await admin(`/namespaces/${tenant}`))) {
      facts[`namespace ${namespace}`] = 'present';
      for (const topic of strings(await admin(`/persistent/${namespace}`))) {
        if (!topic.slice(topic.lastIndexOf('/') + 1).startsWith('__')) topics.push(topic);
      }
    }
  }
  topics.sort();
  if (topics.length > MAX_TOPICS) facts['topics beyond the first 300'] = `${topics.length - MAX_TOPICS} not read`;
  for (const topic of topics.slice(0, MAX_TOPICS)) {
    const path = `/${topic.replace('://', '/')}`;
    const info = await admin(`${path}/internal-info`);
    const cursors = isRecord(info) && isRecord(info['cursors']) ? Object.keys(info['cursors']) : [];
    // `pulsar.*` cursors are the broker's (deduplication), not subscriptions.
    const subscriptions = cursors.filter((name) => !name.startsWith('pulsar.'));
    if (subscriptions.length === 0) {
      facts[`topic ${topic} ledgers`] = ledgers(info);
      continue;
    }
    const stats = await admin(`${path}/stats`);
    facts[`topic ${topic} storage bytes`] = String(isRecord(stats) ? stats['storageSize'] : '?');
    const subs = isRecord(stats) && isRecord(stats['subscriptions']) ? stats['subscriptions'] : {};
    for (const name of Object.keys(subs).sort()) {
      const sub = subs[name];
      facts[`topic ${topic} subscription ${name} backlog`] = String(isRecord(sub) ? sub['msgBacklog'] : '?');
    }
  }
  return { target: `pulsar at ${webUrl}`, facts };
}

function ledgers(info: unknown): string {
  const list = isRecord(info) && Array.isArray(info['ledgers']) ? info['ledgers'] : [];
  // An open ledger's entry count is not in the metadata yet; its listed timestamp is the time of the request.
  return list.map((l) => (isRecord(l) ? `${JSON.stringify(l['ledgerId'])}:${JSON.stringify(l['entries'] ?? 'open')}` : '?')).join(',') || 'none';
}
