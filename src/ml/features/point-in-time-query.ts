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

/** The source table, quoted. */
export function sourceTable(definition: FeatureViewDefinition): string {
  const [schema, table] = definition.source.table.split('.');
  return `${id(schema)}.${id(table)}`;
}

/**
 * How rows with the same time are ordered: by their feature columns, so the historical join and
 * materialisation pick the same one every time.
 */
function tieBreak(definition: FeatureViewDefinition, alias = 's'): string[] {
  return [...new Set(definition.features.map((f) => f.column))].map((c) => `${alias}.${id(c)} DESC NULLS LAST`);
}

/** ORDER BY of an entity's rows, latest first, ties broken by tieBreak. */
export function latestFirst(definition: FeatureViewDefinition, alias = 's'): string {
  return [`${alias}.${id(definition.timestampColumn)} DESC`, ...tieBreak(definition, alias)].join(', ');
}

const AGGREGATES = { count: 'count', sum: 'sum', mean: 'avg', min: 'min', max: 'max' } as const;

/** A feature's SQL over source row `s`: its value, or the transform's columns. */
export function featureExpressions(feature: FeatureDefinition, definition: FeatureViewDefinition): { column: string; sql: string }[] {
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
    case 'rolling': {
      const time = id(definition.timestampColumn);
      const sameEntity = definition.entities.map((e) => `r.${id(e)} = s.${id(e)}`).join(' AND ');
      const cast = transform.aggregation === 'count' ? 'int8' : 'float8';
      return [
        {
          column: feature.name,
          sql:
            `(SELECT ${AGGREGATES[transform.aggregation]}(r.${id(feature.column)})::${cast} FROM ${sourceTable(definition)} r ` +
            `WHERE ${sameEntity} AND r.${time} <= s.${time} AND r.${time} > s.${time} - make_interval(secs => ${transform.windowSeconds}))`,
        },
      ];
    }
  }
}

/**
 * The point-in-time join, as one SQL statement: every entity row (table `entities`, its columns kept,
 * in their order) gets, per view, the features of the latest source row of its entity at or before
 * its event_timestamp and younger than the view's TTL (as the online store, where a value TTL seconds
 * old has expired). A later row (the future) is never used; with none in the window the features are null.
 */
export function pointInTimeQuery(entities: string, entityColumns: string[], views: PointInTimeView[]): string {
  const selected = entityColumns.map((column) => `e.${id(column)}`);
  const joins = views.map((view, i) => {
    const alias = `v${i}`;
    const { definition } = view;
    const time = `s.${id(definition.timestampColumn)}`;
    const expressions = view.features.flatMap((f) => featureExpressions(f, definition));
    selected.push(...expressions.map((e) => `${alias}.${id(e.column)}`));
    const keys = (table: string) => definition.entities.map((entity) => `${table}.${id(entity)} = e.${id(entity)}::${id(view.entityTypes[entity])}`).join(' AND ');
    const latestTime =
      `(SELECT max(m.${id(definition.timestampColumn)}) FROM ${sourceTable(definition)} m WHERE ${keys('m')} ` +
      `AND m.${id(definition.timestampColumn)} <= e.event_timestamp AND m.${id(definition.timestampColumn)} > e.event_timestamp - make_interval(secs => ${definition.ttlSeconds}))`;
    // the latest time first (one step down an index on entity and time), then the row at that time (the
    // tie-break sorts only rows with equal times), then its expressions (a rolling window) for it alone
    return (
      `LEFT JOIN LATERAL (SELECT ${expressions.map((e) => `${e.sql} AS ${id(e.column)}`).join(', ')} FROM (SELECT * FROM ${sourceTable(definition)} s ` +
      `WHERE ${keys('s')} AND ${time} = ${latestTime} ORDER BY ${tieBreak(definition).join(', ')} LIMIT 1) s) ${alias} ON true`
    );
  });
  return `SELECT ${selected.join(', ')} FROM ${entities} e ${joins.join(' ')} ORDER BY e.__row`;
}
