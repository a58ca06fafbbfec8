import type { ColumnDrift } from './drift-check';
import type { DriftMonitor, DriftMonitorRun } from './drift-monitor.entity';
import type { PerformanceResult } from './model-performance';

const WIDTH = 320;
const HEIGHT = 120;
/** Past this many categories a chart shows the most frequent ones in the reference. */
const MAX_BARS = 30;

const escape = (text: unknown) => String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const format = (value: number | null | undefined) => (value === null || value === undefined ? '–' : Math.abs(value) >= 0.001 || value === 0 ? value.toFixed(3) : value.toExponential(2));

/** Reference (grey) and current (blue) shares per bin or category, side by side, as inline SVG. */
function chart(column: ColumnDrift): string {
  const histogram = column.histogram as { edges?: number[]; categories?: string[]; reference: number[]; current: number[] } | undefined;
  if (!histogram) return '';
  let labels = histogram.categories ?? histogram.edges!.slice(0, -1).map((edge, i) => `${format(edge)}–${format(histogram.edges![i + 1])}`);
  let reference = histogram.reference;
  let current = histogram.current;
  if (labels.length > MAX_BARS) {
    const top = reference.map((count, i) => [count, i]).sort((a, b) => b[0] - a[0]).slice(0, MAX_BARS).map(([, i]) => i);
    [labels, reference, current] = [top.map((i) => labels[i]), top.map((i) => reference[i]), top.map((i) => current[i])];
  }
  const share = (counts: number[]) => {
    const total = counts.reduce((a, b) => a + b, 0) || 1;
    return counts.map((c) => c / total);
  };
  const [ref, cur] = [share(reference), share(current)];
  const top = Math.max(...ref, ...cur, 0.0001);
  const slot = WIDTH / labels.length;
  const bar = (value: number, x: number, fill: string, label: string, which: string) => {
    const h = (value / top) * (HEIGHT - 10);
    return `<rect x="${x.toFixed(1)}" y="${(HEIGHT - h).toFixed(1)}" width="${Math.max(1, slot / 2 - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}"><title>${escape(label)} ${which} ${(value * 100).toFixed(1)}%</title></rect>`;
  };
  const bars = labels.map((label, i) => bar(ref[i], i * slot, '#9aa0a6', label, 'reference') + bar(cur[i], i * slot + slot / 2, '#1a73e8', label, 'current')).join('');
  return `<svg role="img" aria-label="${escape(column.name)}: reference and current distributions" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">${bars}</svg>`;
}

function sections(columns: ColumnDrift[], heading: 'h2' | 'h3'): string {
  return columns
    .map((c) => {
      const verdict = c.error ? escape(c.error) : c.drifted ? '<strong class="drift">drifted</strong>' : 'no drift';
      return `<section><${heading}>${escape(c.name)}</${heading}><p>${escape(c.kind ?? '')} · ${escape(c.test ?? '')} ${format(c.statistic)}${c.pValue !== null && c.pValue !== undefined ? ` (p ${format(c.pValue)})` : ''} · PSI ${format(c.psi)} (${escape(c.psiLevel ?? '')}) · ${verdict}</p>${chart(c)}</section>`;
    })
    .join('\n');
}

function performanceLine(p: PerformanceResult): string {
  const verdict = p.decayed ? '<strong class="drift">decayed</strong>' : 'no decay';
  const change = p.decline === null ? '' : ` (${(p.decline * 100).toFixed(1)}% ${p.decline >= 0 ? 'worse' : 'better'})`;
  return `<p>${escape(p.metric)} ${format(p.current)} on ${escape(p.rows)} labelled rows, recorded ${format(p.reference)}${change} · ${verdict}</p>`;
}

/** A run's drift report as one self-contained HTML page (no scripts, no outside resources). */
export function renderDriftReport(monitor: DriftMonitor, run: DriftMonitorRun): string {
  const rows = sections(run.columns, 'h2');
  const predictions = run.predictions?.length
    ? `<h2>Predictions${run.predictionDrift ? ' · <strong class="drift">drifted</strong>' : ''}</h2>\n<p>Against the version's own predictions on its training data.</p>\n${sections(run.predictions, 'h3')}`
    : '';
  const performance = run.performance ? `<h2>Performance on ground truth</h2>\n${performanceLine(run.performance)}` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Drift report: ${escape(monitor.name)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #202124; background: #fff; }
  @media (prefers-color-scheme: dark) { body { color: #e8eaed; background: #202124; } }
  section { display: inline-block; vertical-align: top; margin: 0 2rem 2rem 0; }
  h2, h3 { font-size: 1rem; margin: 0 0 .25rem; } h2 + p, h1 + p { margin-top: 0; } .drift { color: #d93025; } .legend span { padding: 0 .5rem; }
</style></head>
<body>
<h1>Drift report: ${escape(monitor.name)}</h1>
<p>Model ${escape(monitor.model)} version ${escape(run.version ?? '–')} · ${escape(run.currentRows)} prediction rows from ${escape(run.windowFrom.toISOString())} to ${escape(run.windowTo.toISOString())} · status <strong>${escape(run.status)}</strong>${run.drifted.length ? ` · drifted: ${run.drifted.map(escape).join(', ')}` : ''}${run.error ? ` · ${escape(run.error)}` : ''}</p>
<p class="legend"><span style="color:#9aa0a6">■ reference (training data)</span><span style="color:#1a73e8">■ current (predictions)</span></p>
${rows}
${predictions}
${performance}
</body></html>
`;
}
