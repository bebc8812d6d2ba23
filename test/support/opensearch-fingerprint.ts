import { getJson, isRecord, type Fingerprint } from './stack-fingerprint.ts';

const FILTER = [
  'indices.*.uuid', 'indices.*.shards.*.routing.primary', 'indices.*.shards.*.docs.count', 'indices.*.shards.*.seq_no.max_seq_no',
].join(',');

/**
 * An OpenSearch's open indices, each with its uuid (a deleted and recreated index differs),
 * its document count and the highest sequence number of each primary shard. Every index,
 * update and delete raises the sequence number, refreshed or not, so a write that leaves the
 * count as it was still shows. Indices named `.…` are the node's own and change by themselves.
 */
export async function opensearchFingerprint(url: string): Promise<Fingerprint> {
  const stats = await getJson(`${url}/_stats/docs?level=shards&expand_wildcards=open&filter_path=${FILTER}`);
  const indices = isRecord(stats) && isRecord(stats['indices']) ? stats['indices'] : {};
  const facts: Record<string, string> = {};
  for (const name of Object.keys(indices).filter((n) => !n.startsWith('.')).sort()) {
    const index = indices[name];
    if (!isRecord(index)) continue;
    const copies = Object.entries(isRecord(index['shards']) ? index['shards'] : {})
      .flatMap(([shard, list]) => (Array.isArray(list) ? list : []).map((copy) => ({ shard, copy: copy as ShardCopy })));
    const primaries = copies.filter(({ copy }) => copy.routing?.primary === true)
      .map(({ shard, copy }) => ({ shard, docs: copy.docs?.count ?? 0, seqNo: copy.seq_no?.max_seq_no }));
    primaries.sort((a, b) => Number(a.shard) - Number(b.shard));
    facts[`index ${name} uuid`] = String(index['uuid']);
    facts[`index ${name} documents`] = String(primaries.reduce((sum, p) => sum + p.docs, 0));
    facts[`index ${name} max seq_no by shard`] = primaries.map((p) => `${p.shard}:${String(p.seqNo)}`).join(',');
  }
  return { target: `opensearch at ${url}`, facts };
}

interface ShardCopy {
  readonly routing?: { readonly primary?: boolean };
  readonly docs?: { readonly count?: number };
  readonly seq_no?: { readonly max_seq_no?: number };
}
