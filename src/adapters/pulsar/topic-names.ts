import { RefractError } from '../../domain/index.ts';

/** Where Refract's topics live: one tenant and namespace per deployment. */
export interface PulsarNamespace {
  readonly tenant: string;
  readonly namespace: string;
}

/** Letters, digits and `-_.=:` only: a name that needs no escaping in a URL path or a topic name. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.=:-]*$/;

/**
 * The runtime speaks of logical topics ('persons'); Pulsar of `persistent://tenant/ns/persons`.
 * A name that is already fully qualified passes through, so callers may use either.
 */
export function fullTopicName(where: PulsarNamespace, topic: string): string {
  if (topic.startsWith('persistent://')) return topic;
  for (const [what, name] of [['tenant', where.tenant], ['namespace', where.namespace], ['topic', topic]] as const) {
    if (!SAFE_NAME.test(name)) {
      throw new RefractError('CONFIG.INVALID', `Pulsar ${what} name "${name}" is not allowed: use letters, digits and -_.=: only`, { field: what, value: name });
    }
  }
  return `persistent://${where.tenant}/${where.namespace}/${topic}`;
}

/** `persistent://t/ns/topic` → `persistent/t/ns/topic`, the form the admin and WebSocket paths take. */
export function topicPath(fullName: string): string {
  return fullName.replace('://', '/');
}
