import { Injectable } from '@nestjs/common';
import { InputRow, ModelPredictor, PredictionResult } from '../inference/model-predictor';
import { AbTest } from './ab-test.entity';
import { AbTestAssignmentsService } from './ab-test-assignments.service';

export interface AbPrediction extends PredictionResult {
  test: string;
  unitId: string;
  variant: string;
  /** When the unit was first served through the test. */
  assignedAt: Date;
  /** True on the unit's first prediction through the test. */
  newAssignment: boolean;
}

/**
 * Predictions through a test: the unit's variant picks the version, the model serving runtime runs
 * it, and the unit is recorded as assigned once it has been served (a request refused for a bad row
 * exposes the unit to nothing, so it is not counted).
 */
@Injectable()
export class AbTestPredictionsService {
  constructor(
    private readonly predictor: ModelPredictor,
    private readonly assignments: AbTestAssignmentsService,
  ) {}

  async predict(test: AbTest, unitId: string, rows: InputRow[], actor: string): Promise<AbPrediction> {
    const { variant, recorded } = await this.assignments.variantFor(test, unitId);
    const result = await this.predictor.predict({ model: test.modelName, ref: String(variant.version), rows, source: 'ab-test', actor, abTest: { name: test.name, variant: variant.name } });
    const assignment = recorded ? { firstSeenAt: recorded.firstSeenAt, created: false } : await this.assignments.record(test, unitId, variant);
    return { test: test.name, unitId, variant: variant.name, ...result, assignedAt: assignment.firstSeenAt, newAssignment: assignment.created };
  }
}
