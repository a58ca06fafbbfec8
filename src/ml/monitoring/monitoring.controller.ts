import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../../platform/auth/auth.decorators';
import { ErrorResponseDto } from '../../platform/errors/error-response.dto';
import { DriftReportDto } from './drift-report.dto';
import { DriftReportService } from './drift-report.service';

/** Drift reports. Scope `read`: they read datasets and the registry and change nothing. */
@ApiTags('ml')
@Controller('ml/drift')
export class MonitoringController {
  constructor(private readonly reports: DriftReportService) {}

  @Post('report')
  @HttpCode(200)
  @RequireScope('read')
  @ApiOperation({
    summary: 'Does the current data still look like the reference? Per column: KS or chi-square (small samples), Wasserstein or Jensen-Shannon (large), and PSI, computed with scipy',
    description: "The reference is a model version's training dataset or a dataset; the current data a dataset. Thresholds default to Evidently's.",
  })
  @ApiOkResponse({
    schema: {
      example: {
        reference: { dataset: 'iris', rows: 150, model: { name: 'iris-classifier', version: 3 } },
        current: { dataset: 'iris-2026-11', rows: 120 },
        thresholds: { smallSample: 1000, pValue: 0.05, distance: 0.1, psiWatch: 0.1, psiDrift: 0.2 },
        drifted: ['petal_length'],
        share: 0.25,
        datasetDrift: false,
        columns: [{ name: 'petal_length', kind: 'numeric', test: 'ks', statistic: 0.41, pValue: 0.00002, drifted: true, psi: 0.62, psiLevel: 'drift', referenceRows: 150, currentRows: 120 }],
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  report(@Body() dto: DriftReportDto) {
    return this.reports.report(dto);
  }
}
