import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../../platform/auth/api-key.guard';
import { actorOf } from '../../platform/auth/api-keys.service';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { AbOutcomeDto, AbTestNameParamsDto, AbUnitDto, ConcludeAbTestDto, CreateAbTestDto } from './ab-test.dto';
import { AbTestAssignmentsService } from './ab-test-assignments.service';
import { AbTestOutcomesService } from './ab-test-outcomes.service';
import { AbTestResultsService } from './ab-test-results.service';
import { abTestView } from './ab-test-view';
import { AbTestsService } from './ab-tests.service';
import { AB_TEST_EXAMPLE, AB_RESULTS_EXAMPLE } from './ab-test-examples';

@ApiTags('ml')
@Controller('ml/ab-tests')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A field that breaks its rule, named in details' })
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown A/B test (or, when creating, model)' })
export class AbTestsController {
  constructor(
    private readonly tests: AbTestsService,
    private readonly assignments: AbTestAssignmentsService,
    private readonly outcomes: AbTestOutcomesService,
    private readonly results: AbTestResultsService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create an A/B test of versions of one registered model; the first variant is the control',
    description: "Each variant's ref (version number, alias, stage or latest) is resolved to a version now, and the variant serves that version until the test ends. Units are assigned by hashing (test name, unit id) into the cumulative weights.",
  })
  @ApiBody({
    type: CreateAbTestDto,
    examples: {
      proportion: { value: { name: 'iris-rf-vs-knn', model: 'iris-classifier', variants: [{ name: 'control', ref: 'production', weight: 50 }, { name: 'treatment', ref: '4', weight: 50 }], metric: { kind: 'proportion', name: 'converted' }, minimumDetectableEffect: 0.02 } },
      mean: { value: { name: 'basket-value', model: 'recommender', variants: [{ name: 'control', ref: '7', weight: 80 }, { name: 'bigger-net', ref: 'challenger', weight: 20 }], metric: { kind: 'mean', name: 'basket_eur' }, minimumDetectableEffect: 1.5, alpha: 0.01, power: 0.9 } },
    },
  })
  @ApiCreatedResponse({ schema: { example: AB_TEST_EXAMPLE } })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'A test of that name exists, or the model is deleted' })
  async create(@Body() dto: CreateAbTestDto, @Req() req: AuthenticatedRequest) {
    return abTestView(await this.tests.create(dto, actorOf(req.principal)));
  }

  @Get()
  @ApiOperation({ summary: 'A/B tests, newest first' })
  @ApiOkResponse({ schema: { example: [AB_TEST_EXAMPLE] } })
  async list() {
    return (await this.tests.list()).map((test) => abTestView(test, { withResults: false }));
  }

  @Get(':name')
  @ApiOperation({ summary: 'One A/B test: variants with their pinned versions, status, conclusion' })
  @ApiOkResponse({ schema: { example: AB_TEST_EXAMPLE } })
  async get(@Param() { name }: AbTestNameParamsDto) {
    return abTestView(await this.tests.get(name));
  }

  @Post(':name/assignments')
  @HttpCode(200)
  @RequireScope('read')
  @ApiOperation({
    summary: "A unit's variant, recorded on first sight, without a prediction (for clients that need the variant before serving)",
    description: 'The same unit always gets the same variant, on every replica and after restarts. A stopped test answers only for units it already has.',
  })
  @ApiBody({ type: AbUnitDto, examples: { unit: { value: { unitId: 'user-48213' } } } })
  @ApiOkResponse({ schema: { example: { test: 'iris-rf-vs-knn', unitId: 'user-48213', variant: 'treatment', version: 4, assignedAt: '2026-11-30T14:02:11.120Z', newAssignment: true } } })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The test is stopped and the unit is new, or the test is concluded' })
  async assign(@Param() { name }: AbTestNameParamsDto, @Body() dto: AbUnitDto) {
    const test = await this.tests.get(name);
    const assignment = await this.assignments.assign(test, dto.unitId);
    return { test: test.name, unitId: dto.unitId, variant: assignment.variant.name, version: assignment.variant.version, assignedAt: assignment.firstSeenAt, newAssignment: assignment.created };
  }

  @Post(':name/outcomes')
  @HttpCode(200)
  @RequireScope('read')
  @ApiOperation({
    summary: "Report a unit's outcome: one observation per unit, a later report replaces the earlier value",
    description: 'proportion metrics take 0/1 or true/false, mean metrics a number. The unit must have been served through the test. Accepted while the test runs or is stopped, refused once it is concluded.',
  })
  @ApiBody({ type: AbOutcomeDto, examples: { converted: { value: { unitId: 'user-48213', value: 1 } }, revenue: { value: { unitId: 'user-48213', value: 42.5 } } } })
  @ApiOkResponse({ schema: { example: { unitId: 'user-48213', variant: 'treatment', value: 1, reports: 1, replaced: false } } })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The unit was never served through the test, or the test is concluded' })
  async outcome(@Param() { name }: AbTestNameParamsDto, @Body() dto: AbOutcomeDto) {
    return this.outcomes.record(await this.tests.get(name), dto.unitId, dto.value);
  }

  @Get(':name/results')
  @ApiOperation({
    summary: 'Per variant: n, outcomes, rate (Wilson interval) or mean (t interval); against the control: pooled two-proportion z-test or Welch t-test, difference with interval; sample-ratio mismatch (chi-square, flagged below p = 0.001); sample size still needed',
    description: 'Only units with an outcome enter the estimates and tests. With several treatments each comparison is held to alpha / (number of treatments) (Bonferroni), its interval too.',
  })
  @ApiOkResponse({ schema: { example: AB_RESULTS_EXAMPLE } })
  async resultsOf(@Param() { name }: AbTestNameParamsDto) {
    return this.results.resultsOf(await this.tests.get(name));
  }

  @Post(':name/stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop assigning new units; units already in the test keep their variant and their outcomes still count' })
  @ApiOkResponse({ schema: { example: { ...AB_TEST_EXAMPLE, status: 'stopped', stoppedAt: '2026-12-14T09:00:00.000Z', stoppedBy: 'key:release-bot' } } })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The test is concluded' })
  async stop(@Param() { name }: AbTestNameParamsDto, @Req() req: AuthenticatedRequest) {
    return abTestView(await this.tests.stop(name, actorOf(req.principal)));
  }

  @Post(':name/conclude')
  @HttpCode(200)
  @ApiOperation({
    summary: "End the test; with a winner, promote the winner's version to Production through the registry (the previous one is archived, both recorded in the model history)",
    description: 'The results at that moment are stored with the conclusion. Predictions through a concluded test are refused: predict with POST /api/ml/models/{name}/predict.',
  })
  @ApiBody({ type: ConcludeAbTestDto, examples: { winner: { value: { winner: 'treatment', reason: 'treatment converts 2.1 points better (p = 0.003), no sample-ratio mismatch' } }, noWinner: { value: { reason: 'no significant difference after 40,000 units' } } } })
  @ApiOkResponse({ schema: { example: { ...AB_TEST_EXAMPLE, status: 'concluded', concludedAt: '2026-12-14T09:05:00.000Z', conclusion: { winner: 'treatment', version: 4, promoted: true, reason: 'treatment converts 2.1 points better (p = 0.003)', actor: 'key:release-bot', results: AB_RESULTS_EXAMPLE } } } })
  @ApiConflictResponse({ type: ErrorResponseDto, description: "The test is concluded already, or the registry refuses the promotion (the model is deleted)" })
  async conclude(@Param() { name }: AbTestNameParamsDto, @Body() dto: ConcludeAbTestDto, @Req() req: AuthenticatedRequest) {
    return abTestView(await this.tests.conclude(name, dto.winner, dto.reason, actorOf(req.principal)));
  }
}
