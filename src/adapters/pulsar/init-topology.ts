import { BANKING_TOPIC_NAMES, RefractError } from '../../domain/index.ts';
import { DEFAULT_DEAD_LETTER_TOPICS, ensureKeepingSubscription, DEAD_LETTER_SUBSCRIPTION } from './dead-letter-topics.ts';
import type { ServerAuth } from '../shared/server-auth.ts';
import { adminReason, createPulsarAdmin, type PulsarAdmin } from './pulsar-admin.ts';
import { fullTopicName, topicPath } from './topic-names.ts';

/** How long the namespace keeps acknowledged messages; -1 means forever. */
export interface RetentionPolicy {
  readonly minutes: number;
  readonly sizeMb: number;
}

/** The log is the source of truth: rebuilds replay it from the start, so keep everything. */
export const KEEP_FOREVER: RetentionPolicy = { minutes: -1, sizeMb: -1 };

export interface TopologyConfig {
  /** The web service URL, e.g. http://127.0.0.1:8080. */
  readonly adminUrl: string;
  /** The token and CA for a secured broker (docs/adr/0022). */
  readonly auth?: ServerAuth;
  readonly tenant?: string;
  readonly namespace?: string;
  /** Logical topic names; default one per banking entity type. */
  readonly topics?: readonly string[];
  readonly deadLetterTopics?: readonly string[];
  readonly retention?: RetentionPolicy;
}

export type TopologyOutcome = 'created' | 'updated' | 'present';

export interface TopologyStep {
  readonly what: string;
  readonly outcome: TopologyOutcome;
}

export interface TopologyReport {
  readonly steps: readonly TopologyStep[];
  /** False when everything was already in place: the run changed nothing. */
  readonly changed: boolean;
}

/**
 * Creates what Refract needs on a broker, idempotently: the tenant (allowed on the broker's
 * clusters), the namespace with deduplication and retention, the event topics, and the
 * dead-letter topics with the subscription that keeps their letters. Each step first reads
 * what is there, so a second run reports every step `present` and changes nothing.
 */
export async function initTopology(config: TopologyConfig): Promise<TopologyReport> {
  const admin = createPulsarAdmin(config.adminUrl, config.auth ? { auth: config.auth } : {});
  const tenant = config.tenant ?? 'refract';
  const namespace = config.namespace ?? 'banking';
  const ns = `${tenant}/${namespace}`;
  const retention = config.retention ?? KEEP_FOREVER;
  const where = { tenant, namespace };
  const topics = (config.topics ?? BANKING_TOPIC_NAMES).map((t) => fullTopicName(where, t));
  const deadLetterTopics = (config.deadLetterTopics ?? DEFAULT_DEAD_LETTER_TOPICS).map((t) => fullTopicName(where, t));
  const steps: TopologyStep[] = [];
  const step = (what: string, outcome: TopologyOutcome) => steps.push({ what, outcome });

  step(`tenant ${tenant}`, await ensureTenant(admin, tenant));
  step(`namespace ${ns}`, await ensureCreated(admin, 'PUT', `/admin/v2/namespaces/${ns}`, `namespace ${ns}`,
    async () => asList(await admin.get(`/admin/v2/namespaces/${tenant}`)).includes(ns)));
  step(`deduplication on ${ns}`, await ensurePolicy(admin, `/admin/v2/namespaces/${ns}/deduplication`, true, (v) => v === true));
  // Asked for (topics init): this retention. Not asked for (the set-up before run, demo, load):
  // forever where none is set, and an operator's own retention left as it is.
  step(`retention ${config.retention ? describeRetention(retention) : `${describeRetention(retention)} unless set`} on ${ns}`, await ensurePolicy(
    admin, `/admin/v2/namespaces/${ns}/retention`,
    { retentionTimeInMinutes: retention.minutes, retentionSizeInMB: retention.sizeMb },
    (v) => isRecord(v) && (config.retention === undefined || (v['retentionTimeInMinutes'] === retention.minutes && v['retentionSizeInMB'] === retention.sizeMb)),
  ));
  const existing = new Set([
    ...asList(await admin.get(`/admin/v2/persistent/${ns}`)),
    ...asList(await admin.get(`/admin/v2/persistent/${ns}/partitioned`)),
  ]);
  for (const topic of [...topics, ...deadLetterTopics]) {
    step(`topic ${topic}`, existing.has(topic) ? 'present'
      : await ensureCreated(admin, 'PUT', `/admin/v2/${topicPath(topic)}`, `topic ${topic}`, () => Promise.resolve(false)));
  }
  for (const topic of deadLetterTopics) {
    step(`subscription ${DEAD_LETTER_SUBSCRIPTION} on ${topic}`, (await ensureKeepingSubscription(admin, topic)) ? 'created' : 'present');
  }
  return { steps, changed: steps.some((s) => s.outcome !== 'present') };
}

async function ensureTenant(admin: PulsarAdmin, tenant: string): Promise<TopologyOutcome> {
  const found = await admin.request('GET', `/admin/v2/tenants/${tenant}`);
  if (found.status === 200) return 'present';
  // Allow the tenant on every cluster the broker knows ('standalone' on a standalone broker).
  const allowedClusters = asList(await admin.get('/admin/v2/clusters'));
  return ensureCreated(admin, 'PUT', `/admin/v2/tenants/${tenant}`, `tenant ${tenant}`, () => Promise.resolve(false), { allowedClusters, adminRoles: [] });
}

/** PUT something unless `exists()`; a 409 (someone else created it meanwhile) counts as present. */
async function ensureCreated(
  admin: PulsarAdmin, method: 'PUT', path: string, what: string, exists: () => Promise<boolean>, body?: unknown,
): Promise<TopologyOutcome> {
  if (await exists()) return 'present';
  const answer = await admin.request(method, path, body);
  if (answer.status === 409) return 'present';
  if (answer.status >= 300) {
    throw new RefractError('LOG.REFUSED', `Pulsar refused to create ${what} (${answer.status}): ${adminReason(answer.body)}`, { path, status: answer.status });
  }
  return 'created';
}

/** Reads a namespace policy and sets it only when it differs; an unset policy reads as empty. */
async function ensurePolicy(
  admin: PulsarAdmin, path: string, wanted: unknown, matches: (current: unknown) => boolean,
): Promise<TopologyOutcome> {
  const current = await admin.get(path);
  if (matches(current)) return 'present';
  const answer = await admin.request('POST', path, wanted);
  if (answer.status >= 300) {
    throw new RefractError('LOG.REFUSED', `Pulsar refused to set ${path} (${answer.status}): ${adminReason(answer.body)}`, { path, status: answer.status });
  }
  return current === undefined || current === null ? 'created' : 'updated';
}

const describeRetention = (r: RetentionPolicy) =>
  `${r.minutes < 0 ? 'forever' : `${r.minutes} min`} / ${r.sizeMb < 0 ? 'unlimited' : `${r.sizeMb} MB`}`;

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
