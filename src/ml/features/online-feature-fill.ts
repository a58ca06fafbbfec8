import { Injectable } from '@nestjs/common';
import { ConflictError, FieldProblem, ValidationFailedError } from '../../platform/errors/app-error';
import { outputColumns, parseFeatureRef } from './feature-view-definition';
import { FeatureViewsService } from './feature-views.service';
import { MaterializationsService } from './materializations.service';

type Row = Record<string, unknown>;
type FieldOf = (row: number, column?: string) => string;

/**
 * A model version's feature service at predict time: a row that lacks a bound feature's column gets
 * it from the online store by the entity keys it carries; a row that sends every column is left
 * alone. A feature the store does not hold for the entity (missing, expired) is a 400 naming the row
 * and the column, rather than a silent null the model would impute.
 */
@Injectable()
export class OnlineFeatureFill {
  constructor(
    private readonly views: FeatureViewsService,
    private readonly materializations: MaterializationsService,
  ) {}

  async fill(references: string[], rows: Row[], fieldOf: FieldOf): Promise<Row[]> {
    const columns = await this.columnsOf(references);
    const needy = rows.flatMap((row, i) => (typeof row === 'object' && row !== null && !Array.isArray(row) && columns.some((c) => !Object.hasOwn(row, c)) ? [i] : []));
    if (needy.length === 0) return rows;
    let read: Awaited<ReturnType<MaterializationsService['read']>>;
    try {
      read = await this.materializations.read(references, needy.map((i) => rows[i]));
    } catch (error) {
      if (!(error instanceof ValidationFailedError)) throw error;
      // the online read names entities[k].column; the caller knows the rows by its own shape and index
      throw new ValidationFailedError(error.problems.map((p) => ({ ...p, field: p.field.replace(/^entities\[(\d+)\]\.(.+)$/, (_all, k: string, column: string) => fieldOf(needy[Number(k)], column)) })));
    }
    const problems: FieldProblem[] = [];
    const filled = [...rows];
    needy.forEach((i, k) => {
      const row = rows[i];
      const { values, statuses } = read.results[k];
      const added: Row = {};
      for (const [reference, value] of Object.entries(values)) {
        const column = reference.slice(reference.lastIndexOf(':') + 1);
        if (Object.hasOwn(row, column)) continue;
        if (statuses[reference] !== 'present') {
          problems.push({ field: fieldOf(i, column), reason: `the online store has no value of ${reference} for this entity (${statuses[reference]}); materialise the view or send the column` });
        }
        added[column] = value;
      }
      filled[i] = { ...added, ...row };
    });
    if (problems.length) throw new ValidationFailedError(problems.slice(0, 20));
    return filled;
  }

  /** The columns the bound features give, checking on the way that each view is still online. */
  private async columnsOf(references: string[]): Promise<string[]> {
    const columns: string[] = [];
    for (const reference of references) {
      const { view: name, version, feature } = parseFeatureRef(reference);
      const { view } = await this.views.forServing(name, version);
      if (!view.definition.online) {
        throw new ConflictError('FEATURE_VIEW_NOT_ONLINE', `The model's feature service reads ${name} version ${view.version}, which is not online; send its columns with each row, apply the view with "online": true, or rebind the model (PUT …/feature-service)`, { view: name });
      }
      const definition = view.definition.features.find((f) => f.name === feature);
      if (definition) columns.push(...outputColumns(definition));
    }
    return columns;
  }
}
