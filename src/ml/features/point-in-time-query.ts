import { escapeIdentifier as id, escapeLiteral } from 'pg';
import { FeatureDefinition, FeatureViewDefinition } from './feature-view-definition';

/** A view version and the features asked of it, with the pg types its entity keys are compared in. */
export interface PointInTimeView {
  name: string;
  version: number;
  definition: FeatureViewDefinition;
  /** Entity column → its type in the source (int8, text, …). */
  entityTypes: Record<string, string>;
  features: FeatureDefinition[];
}

/** A feature's SQL over source row `s`: its value, or the transform's columns. */
export function featureExpressions(feature: FeatureDefinition): { column: string; sql: string }[] {
  const value = `s.${id(feature.column)}`;
  const transform = feature.transform;
  if (!transform) {
    const cast = { float: 'float8', int: 'int8', string: 'text', bool: 'boolean' }[feature.type];
    return [{ column: feature.name, sql: `${value}::${cast}` }];
  }
  switch (transform.kind) {
    case 'log':
      return [{ column: feature.name, sql: `CASE WHEN ${value} > 0 THEN ln(${value}::float8) END` }];
    case 'bucketize':
      // boundaries are validated finite numbers, so their decimal text is safe SQL
      return [{ column: feature.name, sql: `width_bucket(${value}::float8, ARRAY[${transform.boundaries.map((b) => String(b)).join(', ')}]::float8[])` }];
    case 'one-hot':
      return transform.categories.map((category) => ({
        column: `${feature.name}__${category}`,
        sql: `CASE WHEN ${value} IS NULL THEN NULL ELSE (${value}::text = ${escapeLiteral(category)})::int END`,
      }));
  }
}

/**
 * The point-in-time join, as one SQL statement: every entity row (table `entities`, its columns kept,
 * in their order) gets, per view, the features of the latest source row of its entity at or before
 * its event_timestamp and not older than the view's TTL. A later row (the future) is never used;
 * with none in the window the features are null.
 */
export function pointInTimeQuery(entities: string, entityColumns: string[], views: PointInTimeView[]): string {
  const selected = entityColumns.map((column) => `e.${id(column)}`);
  const joins = views.map((view, i) => {
    const alias = `v${i}`;
    const { definition } = view;
    const time = `s.${id(definition.timestampColumn)}`;
    const expressions = view.features.flatMap(featureExpressions);
    selected.push(...expressions.map((e) => `${alias}.${id(e.column)}`));
    const keys = definition.entities.map((entity) => `s.${id(entity)} = e.${id(entity)}::${id(view.entityTypes[entity])}`);
    const [schema, table] = definition.source.table.split('.');
    return (
      `LEFT JOIN LATERAL (SELECT ${expressions.map((e) => `${e.sql} AS ${id(e.column)}`).join(', ')} FROM ${id(schema)}.${id(table)} s ` +
      `WHERE ${keys.join(' AND ')} AND ${time} <= e.event_timestamp AND ${time} >= e.event_timestamp - make_interval(secs => ${definition.ttlSeconds}) ` +
      `ORDER BY ${time} DESC LIMIT 1) ${alias} ON true`
    );
  });
  return `SELECT ${selected.join(', ')} FROM ${entities} e ${joins.join(' ')} ORDER BY e.__row`;
}
