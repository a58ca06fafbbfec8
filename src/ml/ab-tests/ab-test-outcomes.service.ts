import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ValidationFailedError } from '../../platform/errors/app-error';
import { AbTest } from './ab-test.entity';
import { AbTestAssignmentsService } from './ab-test-assignments.service';
import { abTestConcluded, unitNotAssigned } from './ab-test-errors';

export interface RecordedOutcome {
  unitId: string;
  variant: string;
  value: number;
  /** How many times an outcome was reported for this unit; the latest value is the one that counts. */
  reports: number;
  replaced: boolean;
}

/**
 * Outcomes: one observation per assigned unit, so each unit weighs the same in the tests. A later
 * report for a unit replaces its value (a conversion that arrives after a 0, a corrected amount).
 * Accepted while the test runs or is stopped; refused once it is concluded (the results are final).
 * The write itself holds the test's row FOR SHARE while checking it is not concluded: a conclusion
 * (FOR UPDATE) waits for writes already under way, which its snapshot then includes, and writes that
 * arrive during it wait and then find it concluded, so nothing lands after the stored results.
 */
@Injectable()
export class AbTestOutcomesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly assignments: AbTestAssignmentsService,
  ) {}

  async record(test: AbTest, unitId: string, raw: unknown): Promise<RecordedOutcome> {
    if (test.status === 'concluded') throw abTestConcluded(test);
    const value = valueOf(test, raw);
    const assignment = await this.assignments.findRecorded(test, unitId);
    if (!assignment) throw unitNotAssigned(test, unitId);
    const [row]: { reports: number }[] = await this.dataSource.query(
      `INSERT INTO mcp_hub.ab_test_outcomes (test_id, unit_id, value, reports, first_recorded_at, recorded_at)
       SELECT $1, $2, $3::double precision, 1, now(), now()
        WHERE EXISTS (SELECT 1 FROM mcp_hub.ab_tests WHERE id = $1 AND status <> 'concluded' FOR SHARE)
       ON CONFLICT (test_id, unit_id) DO UPDATE SET value = EXCLUDED.value, reports = ab_test_outcomes.reports + 1, recorded_at = EXCLUDED.recorded_at
       RETURNING reports`,
      [test.id, unitId, value],
    );
    if (!row) throw abTestConcluded((await this.dataSource.manager.findOneBy(AbTest, { id: test.id })) ?? test);
    return { unitId, variant: assignment.variant, value, reports: row.reports, replaced: row.reports > 1 };
  }
}

/** Sums of squares of larger values would overflow a double in the variance. */
const MAX_MEAN_OUTCOME = 1e15;

function valueOf(test: AbTest, raw: unknown): number {
  if (test.metricKind === 'proportion') {
    if (raw === true || raw === 1) return 1;
    if (raw === false || raw === 0) return 0;
    throw new ValidationFailedError([{ field: 'value', reason: `must be 0, 1, true or false: "${test.metricName}" is a proportion` }]);
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw) || Math.abs(raw) > MAX_MEAN_OUTCOME) {
    throw new ValidationFailedError([{ field: 'value', reason: `must be a number between -${MAX_MEAN_OUTCOME} and ${MAX_MEAN_OUTCOME}: "${test.metricName}" is a mean` }]);
  }
  return raw;
}
