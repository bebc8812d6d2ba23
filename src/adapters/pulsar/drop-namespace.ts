import { RefractError } from '../../domain/index.ts';
import { adminReason, type PulsarAdmin } from './pulsar-admin.ts';

/**
 * Deletes a namespace and everything in it, for tests, benchmarks and throwaway setups. Pulsar
 * refuses `?force=true` on namespaces unless the broker allows it (`forceDeleteNamespaceAllowed`,
 * off by default), so the topics go first, each forced (closing their connections), then the
 * now empty namespace. A namespace that does not exist is already gone.
 */
export async function dropNamespace(admin: PulsarAdmin, tenant: string, namespace: string): Promise<void> {
  const ns = `${tenant}/${namespace}`;
  const listed = await admin.request('GET', `/admin/v2/persistent/${ns}`);
  if (listed.status === 404) return;
  const partitioned = await admin.request('GET', `/admin/v2/persistent/${ns}/partitioned`);
  const names = [listed.body, partitioned.body].flatMap((b) => (Array.isArray(b) ? b.filter((t): t is string => typeof t === 'string') : []));
  const isPartition = (t: string) => /-partition-\d+$/.test(t);
  for (const topic of names.filter((t) => !isPartition(t))) {
    const path = topic.replace('://', '/');
    const partitions = (partitioned.body as unknown[] | undefined)?.includes(topic) ? '/partitions' : '';
    await admin.request('DELETE', `/admin/v2/${path}${partitions}?force=true`);
  }
  const answer = await admin.request('DELETE', `/admin/v2/namespaces/${ns}`);
  if (answer.status >= 300 && answer.status !== 404) {
    throw new RefractError('LOG.REFUSED', `Pulsar refused to delete namespace ${ns} (${answer.status}): ${adminReason(answer.body)}`, { namespace: ns, status: answer.status });
  }
}
