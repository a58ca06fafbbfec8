import { Command } from 'commander';
import { formatNumber, printJson, printTable } from './cli-output';
import { HubClient } from './hub-client';

interface ColumnDrift {
  name: string;
  error?: string;
  test?: string;
  statistic?: number;
  pValue?: number | null;
  drifted?: boolean;
  psi?: number;
  psiLevel?: string;
}

interface MonitorRun {
  status: string;
  drifted: string[];
  currentRows: number;
  columns: ColumnDrift[];
  predictions?: ColumnDrift[];
  predictionDrift?: boolean;
  performance?: { metric: string; reference: number | null; current: number; decline: number | null; decayed: boolean; rows: number } | null;
  error: string | null;
}

interface Report {
  drifted: string[];
  share: number;
  columns: ColumnDrift[];
}

function printColumns(columns: ColumnDrift[]): void {
  printTable(
    ['column', 'test', 'statistic', 'p-value', 'drifted', 'PSI'],
    columns.map((c) => (c.error ? [c.name, c.error, '', '', '', ''] : [c.name, c.test, formatNumber(c.statistic!), c.pValue === null || c.pValue === undefined ? '-' : formatNumber(c.pValue), c.drifted ? 'yes' : 'no', `${formatNumber(c.psi!)} (${c.psiLevel})`])),
  );
}

/** `mcp-hub drift`: reports between a model's training data and a dataset, and monitors' runs. */
export function driftCommand(client: HubClient): Command {
  const drift = new Command('drift').description('Data drift: reports against a model\'s training data, and monitors over live predictions');

  drift
    .command('run')
    .description('A drift report now: --model (its training data) or --reference-dataset, against --dataset')
    .option('--model <name>', 'reference: this model\'s training data')
    .option('--ref <ref>', 'with --model: version number, alias, stage or latest', 'production')
    .option('--reference-dataset <name>', 'reference: a dataset')
    .requiredOption('--dataset <name>', 'the current data')
    .option('--json', 'print the report as JSON')
    .action(async (o: { model?: string; ref: string; referenceDataset?: string; dataset: string; json?: boolean }) => {
      const reference = o.model ? { model: o.model, ref: o.ref } : { dataset: o.referenceDataset };
      const report = await client.request<Report>('POST', '/ml/drift/report', { reference, current: { dataset: o.dataset } });
      if (o.json) return printJson(report);
      process.stdout.write(`${report.drifted.length ? `drifted: ${report.drifted.join(', ')}` : 'no column drifted'} (share ${formatNumber(report.share)})\n`);
      printColumns(report.columns);
    });

  drift
    .command('list')
    .description('Every monitor and its latest run')
    .action(async () => {
      const monitors = await client.request<{ name: string; model: string; ref: string; everySeconds: number }[]>('GET', '/ml/monitors');
      const rows = await Promise.all(monitors.map(async (m) => ({ m, last: (await client.request<{ lastRun: (MonitorRun & { windowTo: string }) | null }>('GET', `/ml/monitors/${encodeURIComponent(m.name)}`)).lastRun })));
      const found = (run: MonitorRun) => [...run.drifted, ...(run.predictionDrift ? ['predictions'] : []), ...(run.performance?.decayed ? [`${run.performance.metric} decayed`] : [])].join(', ');
      printTable(['monitor', 'model', 'every s', 'last run', 'drifted', 'at'], rows.map(({ m, last }) => [m.name, `${m.model}@${m.ref}`, m.everySeconds, last?.status ?? '-', last ? found(last) : '', last?.windowTo ?? '']));
    });

  drift
    .command('report <monitor>')
    .description("A monitor's latest run, column by column (--run-now runs it first)")
    .option('--run-now', 'run the monitor now')
    .action(async (monitor: string, o: { runNow?: boolean }) => {
      const run = o.runNow
        ? await client.request<MonitorRun>('POST', `/ml/monitors/${encodeURIComponent(monitor)}/run`, {})
        : (await client.request<{ lastRun: MonitorRun | null }>('GET', `/ml/monitors/${encodeURIComponent(monitor)}`)).lastRun;
      if (!run) throw new Error(`monitor ${monitor} has not run yet; try --run-now`);
      process.stdout.write(`${monitor}: ${run.status}, ${run.currentRows} prediction rows${run.drifted.length ? `; drifted: ${run.drifted.join(', ')}` : ''}${run.error ? ` (${run.error})` : ''}\n`);
      if (run.columns.length) printColumns(run.columns);
      if (run.predictions?.length) {
        process.stdout.write(`predictions: ${run.predictionDrift ? 'drifted' : 'no drift'} (against the version's predictions on its training data)\n`);
        printColumns(run.predictions);
      }
      const p = run.performance;
      if (p) {
        const change = p.decline === null ? '' : `, ${formatNumber(Math.abs(p.decline) * 100)}% ${p.decline >= 0 ? 'worse' : 'better'}`;
        process.stdout.write(`performance: ${p.metric} ${formatNumber(p.current)} on ${p.rows} labelled rows, recorded ${p.reference === null ? '-' : formatNumber(p.reference)}${change}${p.decayed ? ' (decayed)' : ''}\n`);
      }
    });

  return drift;
}
