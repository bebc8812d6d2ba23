/** What a leg's read model was last built with, for one projection (docs/adr/0018). */
export interface ProjectionBuild {
  readonly projection: string;
  readonly leg: 'graph' | 'vector';
  readonly version: number;
  /** A short hash of the projection's declared outputs and mapping (src/projections/fingerprint.ts). */
  readonly fingerprint: string;
}
