import { Injectable } from '@nestjs/common';
import { FieldProblem, ValidationFailedError } from '../../platform/errors/app-error';
import { MaterializationsService } from './materializations.service';

type Row = Record<string, unknown>;
type FieldOf = (row: number, column?: string) => string;

/**
 * A model version's feature service at predict time: rows that carry entity keys get the bound
 * features' columns from the online store. A column the row sends itself wins; a feature the store
 * does not hold for the entity (missing, expired) is a 400 naming the row and the column, rather
 * than a silent null the model would impute.
 */
@Injectable()
export class OnlineFeatureFill {
  constructor(private readonly materializations: MaterializationsService) {}

  async fill(references: string[], rows: Row[], fieldOf: FieldOf): Promise<Row[]> {
    const objects = rows.map((row) => (typeof row === 'object' && row !== null && !Array.isArray(row) ? row : {}));
    let read: Awaited<ReturnType<MaterializationsService['read']>>;
    try {
      read = await this.materializations.read(references, objects);
    } catch (error) {
      if (!(error instanceof ValidationFailedError)) throw error;
      // the online read names entities[i].column; the caller knows the rows by its own shape
      throw new ValidationFailedError(error.problems.map((p) => ({ ...p, field: p.field.replace(/^entities\[(\d+)\]\.(.+)$/, (_all, i: string, column: string) => fieldOf(Number(i), column)) })));
    }
    const problems: FieldProblem[] = [];
    const filled = rows.map((row, i) => {
      if (objects[i] !== row) return row;
      const { values, statuses } = read.results[i];
      const added: Row = {};
      for (const [reference, value] of Object.entries(values)) {
        const column = reference.slice(reference.lastIndexOf(':') + 1);
        if (Object.hasOwn(row, column)) continue;
        if (statuses[reference] !== 'present') {
          problems.push({ field: fieldOf(i, column), reason: `the online store has no value of ${reference} for this entity (${statuses[reference]}); materialise the view or send the column` });
        }
        added[column] = value;
      }
      return { ...added, ...row };
    });
    if (problems.length) throw new ValidationFailedError(problems.slice(0, 20));
    return filled;
  }
}
