import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { assignVariant } from './ab-assignment';
import { AbTest, AbVariant } from './ab-test.entity';
import { AbTestAssignment } from './ab-test-assignment.entity';
import { abTestConcluded, abTestStopped } from './ab-test-errors';

export interface Assignment {
  variant: AbVariant;
  firstSeenAt: Date;
  /** True when this call recorded the unit. */
  created: boolean;
}

/**
 * Which variant a unit gets. The variant is a function of (test name, unit id), so every replica
 * agrees without shared state; the row recorded on first sight is what counts the unit (n, the
 * sample-ratio check) and what keeps it in its variant once the test is stopped.
 */
@Injectable()
export class AbTestAssignmentsService {
  constructor(
    @InjectRepository(AbTestAssignment) private readonly assignments: Repository<AbTestAssignment>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * The unit's variant, before it is served: a running test assigns anyone; a stopped test only its
   * units; a concluded one nobody.
   */
  async variantFor(test: AbTest, unitId: string): Promise<{ variant: AbVariant; recorded: AbTestAssignment | null }> {
    if (test.status === 'concluded') throw abTestConcluded(test);
    const recorded = await this.findRecorded(test, unitId);
    if (recorded) return { variant: this.variantNamed(test, recorded.variant), recorded };
    if (test.status !== 'running') throw abTestStopped(test, unitId);
    return { variant: assignVariant(test.name, unitId, test.variants), recorded: null };
  }

  /**
   * Records the unit's first sight. Concurrent first requests race on the primary key and agree (the
   * variant is the same for all of them); the insert only happens while the test still runs, so a
   * unit first seen after a stop is refused rather than counted. The check holds the test's row FOR
   * SHARE, so a stop or conclusion under way is waited for, and a conclusion's snapshot of the results
   * holds every unit recorded before it and none after.
   */
  async record(test: AbTest, unitId: string, variant: AbVariant): Promise<Assignment> {
    const inserted: { first_seen_at: Date }[] = await this.dataSource.query(
      `INSERT INTO mcp_hub.ab_test_assignments (test_id, unit_id, variant, first_seen_at)
       SELECT $1, $2, $3, now() WHERE EXISTS (SELECT 1 FROM mcp_hub.ab_tests WHERE id = $1 AND status = 'running' FOR SHARE)
       ON CONFLICT (test_id, unit_id) DO NOTHING
       RETURNING first_seen_at`,
      [test.id, unitId, variant.name],
    );
    if (inserted.length) return { variant, firstSeenAt: inserted[0].first_seen_at, created: true };
    const existing = await this.findRecorded(test, unitId);
    if (!existing) {
      const latest = (await this.dataSource.manager.findOneBy(AbTest, { id: test.id })) ?? test;
      throw latest.status === 'concluded' ? abTestConcluded(latest) : abTestStopped(latest, unitId);
    }
    return { variant: this.variantNamed(test, existing.variant), firstSeenAt: existing.firstSeenAt, created: false };
  }

  /** Assigns (and records) the unit without serving a prediction: for clients that need the variant first. */
  async assign(test: AbTest, unitId: string): Promise<Assignment> {
    const { variant, recorded } = await this.variantFor(test, unitId);
    if (recorded) return { variant, firstSeenAt: recorded.firstSeenAt, created: false };
    return this.record(test, unitId, variant);
  }

  findRecorded(test: AbTest, unitId: string): Promise<AbTestAssignment | null> {
    return this.assignments.findOneBy({ testId: test.id, unitId });
  }

  private variantNamed(test: AbTest, name: string): AbVariant {
    return test.variants.find((v) => v.name === name)!;
  }
}
