/** Size limits applied at the edge, before parsing (docs/adr/0002). */
export interface EventLimits {
  /** Largest encoded event accepted, in bytes. */
  readonly maxEventBytes: number;
}

export const DEFAULT_LIMITS: EventLimits = { maxEventBytes: 1024 * 1024 };
