import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AbResults, summarise, VariantAggregate } from './ab-results';
import { AbTest, AbTestStatus } from './ab-test.entity';

export type AbTestResults = { test: string; model: string; status: AbTestStatus; metricName: string } & AbResults;

/** The results of a test: per-variant sums from PostgreSQL, statistics from ab-results. */
@Injectable()
export class AbTestResultsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** With a manager, read inside that transaction (the conclusion's snapshot under the test's row lock). */
  async resultsOf(test: AbTest, manager: EntityManager = this.dataSource.manager): Promise<AbTestResults> {
    const rows: { variant: string; assigned: string; outcomes: string; sum: number | null; mean: number | null; variance: number | null }[] = await manager.query(
      `SELECT a.variant, count(*) AS assigned, count(o.unit_id) AS outcomes, sum(o.value) AS sum, avg(o.value) AS mean, var_samp(o.value) AS variance
         FROM mcp_hub.ab_test_assignments a
         LEFT JOIN mcp_hub.ab_test_outcomes o ON o.test_id = a.test_id AND o.unit_id = a.unit_id
        WHERE a.test_id = $1
        GROUP BY a.variant`,
      [test.id],
    );
    const aggregates = new Map<string, VariantAggregate>(
      rows.map((r) => [r.variant, { assigned: Number(r.assigned), outcomes: Number(r.outcomes), sum: r.sum ?? 0, mean: r.mean, variance: r.variance }]),
    );
    const results = summarise({ metricKind: test.metricKind, alpha: test.alpha, power: test.power, minimumDetectableEffect: test.minimumDetectableEffect, variants: test.variants }, aggregates);
    return { test: test.name, model: test.modelName, status: test.status, metricName: test.metricName, ...results };
  }
}
