import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegistryModule } from '../registry/registry.module';
import { AbTest } from './ab-test.entity';
import { AbTestAssignment } from './ab-test-assignment.entity';
import { AbTestOutcome } from './ab-test-outcome.entity';
import { AbTestAssignmentsService } from './ab-test-assignments.service';
import { AbTestOutcomesService } from './ab-test-outcomes.service';
import { AbTestResultsService } from './ab-test-results.service';
import { AbTestsController } from './ab-tests.controller';
import { AbTestsService } from './ab-tests.service';

@Module({
  imports: [TypeOrmModule.forFeature([AbTest, AbTestAssignment, AbTestOutcome]), RegistryModule],
  controllers: [AbTestsController],
  providers: [AbTestsService, AbTestAssignmentsService, AbTestOutcomesService, AbTestResultsService],
  exports: [AbTestsService, AbTestResultsService],
})
export class AbTestsModule {}
