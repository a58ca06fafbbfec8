import { ConflictError } from '../../platform/errors/app-error';
import type { AbTest } from './ab-test.entity';

export function abTestConcluded(test: AbTest): ConflictError {
  const winner = test.conclusion?.winner ?? null;
  const outcome = winner ? `winner: ${winner}, version ${test.conclusion?.version} of "${test.modelName}"` : 'no winner';
  return new ConflictError('AB_TEST_CONCLUDED', `A/B test "${test.name}" is concluded (${outcome}); predict with POST /api/ml/models/${test.modelName}/predict`, { name: test.name, winner });
}

export function abTestStopped(test: AbTest, unitId: string): ConflictError {
  return new ConflictError('AB_TEST_STOPPED', `A/B test "${test.name}" is stopped: it assigns no new units, and unit "${unitId}" was never assigned; predict with POST /api/ml/models/${test.modelName}/predict`, { name: test.name, unitId });
}

export function unitNotAssigned(test: AbTest, unitId: string): ConflictError {
  return new ConflictError('UNIT_NOT_ASSIGNED', `Unit "${unitId}" has no variant in A/B test "${test.name}": an outcome counts only for a unit served through the test (POST /api/ml/ab-tests/${test.name}/predict or /assignments first)`, { name: test.name, unitId });
}
