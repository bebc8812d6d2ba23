/** A scalar the graph can store as a vertex property. */
export type PropertyValue = string | number | boolean;

/** An edge owned by the vertex that carries it; the set is replaced on every upsert. */
export interface OwnedEdge {
  readonly label: string;
  readonly to: { readonly label: string; readonly id: string };
  readonly properties: Readonly<Record<string, PropertyValue>>;
}

/**
 * Graph commands (docs/adr/0002). Each carries the event's version; a store applies it only
 * when newer than what it holds. An upsert carries *all* edges the vertex owns, so an
 * ownership change removes the old edge in the same guarded write: there is no separate
 * upsert-edge command that could race with it. A tombstone carries when the entity was
 * deleted (the delete event's `occurred_at`, epoch ms), so purging can spare young ones.
 */
export type GraphCommand =
  | {
      readonly kind: 'upsert_vertex';
      readonly label: string;
      readonly id: string;
      readonly version: number;
      readonly properties: Readonly<Record<string, PropertyValue>>;
      readonly edges: readonly OwnedEdge[];
    }
  | {
      readonly kind: 'tombstone_vertex';
      readonly label: string;
      readonly id: string;
      readonly version: number;
      readonly deletedAt: number;
    };
