import Table from 'cli-table3';
import { DiagnosticRow } from './diagnostic-check';

const STATUS_LABEL: Record<DiagnosticRow['status'], string> = {
  ok: 'ok',
  fail: 'FAIL',
  warn: 'warn',
  missing: 'missing',
  disabled: 'disabled',
};

export function renderTable(rows: DiagnosticRow[]): string {
  const table = new Table({
    head: ['Check', 'Required', 'Status', 'Version', 'Latency', 'Detail / how to fix'],
    style: { head: [], border: [] },
    colWidths: [22, 10, 10, 28, 10, 70],
    wordWrap: true,
  });
  for (const row of rows) {
    const notes = [row.detail, row.hint].filter(Boolean).join('\n');
    table.push([
      row.check,
      row.required ? 'yes' : 'no',
      STATUS_LABEL[row.status],
      row.version ?? '',
      row.latencyMs === undefined ? '' : `${row.latencyMs.toFixed(1)} ms`,
      notes,
    ]);
  }
  return table.toString();
}
