import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InferenceModule } from '../inference/inference.module';
import { RegistryModule } from '../registry/registry.module';
import { AbTest } from './ab-test.entity';
import { AbTestAssignment } from './ab-test-assignment.entity';
import { AbTestOutcome } from './ab-test-outcome.entity';
import { AbTestAssignmentsService } from './ab-test-assignments.service';
import { AbTestOutcomesService } from './ab-test-outcomes.service';
import { AbTestPredictionsController } from './ab-test-predictions.controller';
import { AbTestPredictionsService } from './ab-test-predictions.service';
import { AbTestResultsService } from './ab-test-results.service';
import { AbTestsController } from './ab-tests.controller';
import { AbTestsService } from './ab-tests.service';

@Module({
  imports: [TypeOrmModule.forFeature([AbTest, AbTestAssignment, AbTestOutcome]), RegistryModule, InferenceModule],
  controllers: [AbTestsController, AbTestPredictionsController],
  providers: [AbTestsService, AbTestAssignmentsService, AbTestOutcomesService, AbTestResultsService, AbTestPredictionsService],
  exports: [AbTestsService, AbTestResultsService],
})
export class AbTestsModule {}
