/** Declarative transforms, computed in SQL: no user code runs in the hub. */
export type FeatureTransform =
  | { kind: 'log' }
  | { kind: 'bucketize'; boundaries: number[] }
  | { kind: 'one-hot'; categories: string[] }
  | { kind: 'rolling'; aggregation: RollingAggregation; windowSeconds: number };

/** rolling: over the entity's source rows in (t - window, t], t being the event time of the feature row. */
export type RollingAggregation = 'count' | 'sum' | 'mean' | 'min' | 'max';

export type FeatureType = 'float' | 'int' | 'string' | 'bool';

export interface FeatureDefinition {
  name: string;
  /** The source column; default: the feature's name. */
  column: string;
  type: FeatureType;
  transform?: FeatureTransform;
}

/** What a feature view says, as stored: where its rows are, how entities and time are named, its features. */
export interface FeatureViewDefinition {
  entities: string[];
  /** A PostgreSQL table or view, schema-qualified; for a dataset, the table it was loaded into and its id. */
  source: { table: string; dataset?: string };
  timestampColumn: string;
  features: FeatureDefinition[];
  ttlSeconds: number;
  online: boolean;
}

/** The columns a feature adds to a result: one, or one per category for one-hot. */
export function outputColumns(feature: FeatureDefinition): string[] {
  return feature.transform?.kind === 'one-hot' ? feature.transform.categories.map((category) => `${feature.name}__${category}`) : [feature.name];
}

/** `view:feature` or `view@version:feature` (shapes the DTOs have checked) as its parts; version undefined for the latest. */
export function parseFeatureRef(reference: string): { view: string; version?: number; feature: string } {
  const [, view, version, feature] = /^([^@:]+)(?:@(\d+))?:(.+)$/.exec(reference)!;
  return { view, ...(version === undefined ? {} : { version: Number(version) }), feature };
}
