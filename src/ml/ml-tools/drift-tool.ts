import { Injectable, OnModuleInit } from '@nestjs/common';
import { HubToolRegistry } from '../../mcp/hub-tools/hub-tool-registry';
import { DriftReportDto } from '../monitoring/drift-report.dto';
import { DriftReportService } from '../monitoring/drift-report.service';
import { answer, checkedTool, dtoOf, object } from './tool-answers';

/** ml__drift_report: a drift report for MCP clients, with the REST route's scope. */
@Injectable()
export class DriftTool implements OnModuleInit {
  constructor(
    private readonly toolRegistry: HubToolRegistry,
    private readonly reports: DriftReportService,
  ) {}

  onModuleInit(): void {
    const side = { type: 'object', properties: { model: { type: 'string' }, ref: { type: 'string' }, dataset: { type: 'string' } } };
    this.toolRegistry.register(
      checkedTool({
        group: 'ml',
        scope: 'read',
        definition: {
          name: 'ml__drift_report',
          title: 'Drift report',
          description:
            'Does current data still look like a model\'s training data? reference: {"model": "<name>", "ref"?} or {"dataset": "<name>"}; current: {"dataset": "<name>"}. ' +
            'Per column: KS or chi-square (small samples), Wasserstein or Jensen-Shannon (large), PSI, and whether it drifted; the list of drifted columns and their share.',
          inputSchema: object({ reference: side, current: side, columns: { type: 'array', items: { type: 'string' } } }, ['reference', 'current']),
          annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
        },
        call: (args) =>
          answer(async () => {
            const report = await this.reports.report(await dtoOf(DriftReportDto, args));
            // the histograms are for charts; a model reading the answer needs the verdicts
            return { ...report, columns: report.columns.map(({ histogram: _histogram, ...column }) => column) };
          }),
      }),
    );
  }
}
