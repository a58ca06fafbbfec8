import { renderDriftReport } from './drift-report-html';
import type { DriftMonitor, DriftMonitorRun } from './drift-monitor.entity';

const monitor = { name: 'm<1>', model: 'model' } as DriftMonitor;
const run = {
  version: 2,
  currentRows: 10,
  windowFrom: new Date('2026-12-01T00:00:00Z'),
  windowTo: new Date('2026-12-01T01:00:00Z'),
  status: 'drift',
  drifted: ['<script>alert(1)</script>'],
  error: null,
  columns: [
    { name: '<script>alert(1)</script>', kind: 'categorical', test: 'chi-square', statistic: 4, pValue: 0.04, drifted: true, psi: 0.3, psiLevel: 'drift', histogram: { categories: ['"><img src=x>', 'b'], reference: [5, 5], current: [9, 1] } },
    { name: 'n', kind: 'numeric', test: 'ks', statistic: 0.1, pValue: 0.9, drifted: false, psi: 0.01, psiLevel: 'ok', histogram: { edges: [0, 1, 2], reference: [3, 7], current: [4, 6] } },
  ],
} as unknown as DriftMonitorRun;

describe('renderDriftReport', () => {
  const html = renderDriftReport(monitor, run);

  it('escapes every name and value that comes from the data', () => {
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Drift report: m&lt;1&gt;');
  });

  it('draws one chart per column with a bar per bin or category and side', () => {
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/<rect /g)).toHaveLength(8);
    expect(html).not.toMatch(/<script|https?:\/\//);
  });
});

describe('renderDriftReport with prediction drift and performance', () => {
  const html = renderDriftReport(monitor, {
    ...run,
    predictionDrift: true,
    predictions: [{ name: 'prediction', kind: 'categorical', test: 'chi-square', statistic: 9, pValue: 0.003, drifted: true, psi: 0.4, psiLevel: 'drift', histogram: { categories: ['<b>', 'q'], reference: [5, 5], current: [8, 2] } }],
    performance: { metric: 'accuracy', reference: 0.9, current: 0.72, decline: 0.2, decayed: true, rows: 50, metrics: { accuracy: 0.72 } },
  } as DriftMonitorRun);

  it('adds the predictions as their own charts and the metric against the recorded one', () => {
    expect(html).toContain('<h2>Predictions · <strong class="drift">drifted</strong></h2>');
    expect(html).toMatch(/<h3>prediction<\/h3><p>categorical · chi-square 9\.000 \(p 0\.003\)/);
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).not.toContain('<b>');
    expect(html).toContain('<p>accuracy 0.720 on 50 labelled rows, recorded 0.900 (20.0% worse) · <strong class="drift">decayed</strong></p>');
  });
});
