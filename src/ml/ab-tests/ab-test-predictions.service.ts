import { Injectable } from '@nestjs/common';
import { InputRow, ModelPredictor, PredictionResult } from '../inference/model-predictor';
import { AbTest } from './ab-test.entity';
import { Assignment, AbTestAssignmentsService } from './ab-test-assignments.service';

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
 * Predictions through a test: the unit's variant picks the version and the model serving runtime
 * runs it. A new unit is recorded once its rows pass the signature check and before the model runs:
 * a request refused for a bad row exposes the unit to nothing, so it is not counted, and a unit the
 * test refuses (stopped or concluded meanwhile) is neither served nor logged as served.
 */
@Injectable()
export class AbTestPredictionsService {
  constructor(
    private readonly predictor: ModelPredictor,
    private readonly assignments: AbTestAssignmentsService,
  ) {}

  async predict(test: AbTest, unitId: string, rows: InputRow[], actor: string): Promise<AbPrediction> {
    const { variant, recorded } = await this.assignments.variantFor(test, unitId);
    let assignment: Pick<Assignment, 'firstSeenAt' | 'created'> | undefined = recorded ? { firstSeenAt: recorded.firstSeenAt, created: false } : undefined;
    const admit = async () => {
      assignment ??= await this.assignments.record(test, unitId, variant);
    };
    const result = await this.predictor.predict({ model: test.modelName, ref: String(variant.version), rows, source: 'ab-test', actor, abTest: { name: test.name, variant: variant.name }, admit });
    if (!assignment) throw new Error('the prediction ran without admitting the unit');
    return { test: test.name, unitId, variant: variant.name, ...result, assignedAt: assignment.firstSeenAt, newAssignment: assignment.created };
  }
}
