export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

const COLORS = ['#1a73e8', '#e8710a', '#188038', '#d93025', '#9334e6', '#12b5cb'];
const WIDTH = 560;
const HEIGHT = 180;
const PAD = { left: 48, right: 12, top: 10, bottom: 24 };

const label = (value: number) => (Math.abs(value) >= 100 || Number.isInteger(value) ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(1) : value.toPrecision(2));

/** Lines over a shared x axis (time or step), as inline SVG with a legend; `formatX` labels the x ticks. */
export function LineChart({ title, series, formatX = label, unit = '' }: { title: string; series: Series[]; formatX?: (x: number) => string; unit?: string }) {
  const points = series.flatMap((s) => s.points);
  if (!points.length) return <figure className="chart"><figcaption>{title}</figcaption><p className="muted">No data in this window yet.</p></figure>;
  const [minX, maxX] = [Math.min(...points.map((p) => p.x)), Math.max(...points.map((p) => p.x))];
  const maxY = Math.max(...points.map((p) => p.y), 0) || 1;
  const x = (value: number) => PAD.left + (maxX === minX ? 0.5 : (value - minX) / (maxX - minX)) * (WIDTH - PAD.left - PAD.right);
  const y = (value: number) => HEIGHT - PAD.bottom - (value / maxY) * (HEIGHT - PAD.top - PAD.bottom);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${title}: ${series.map((s) => `${s.name} ${s.points.length} points`).join(', ')}`}>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={HEIGHT - PAD.bottom} y2={HEIGHT - PAD.bottom} className="axis" />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={HEIGHT - PAD.bottom} className="axis" />
        <text x={PAD.left - 6} y={PAD.top + 8} textAnchor="end" className="tick">{label(maxY)}{unit}</text>
        <text x={PAD.left - 6} y={HEIGHT - PAD.bottom} textAnchor="end" className="tick">0</text>
        <text x={PAD.left} y={HEIGHT - 6} className="tick">{formatX(minX)}</text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 6} textAnchor="end" className="tick">{formatX(maxX)}</text>
        {series.map((s, i) =>
          s.points.length === 1 ? (
            <circle key={s.name} cx={x(s.points[0].x)} cy={y(s.points[0].y)} r={3} fill={COLORS[i % COLORS.length]} />
          ) : (
            <polyline key={s.name} fill="none" stroke={COLORS[i % COLORS.length]} strokeWidth={2} points={s.points.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ')} />
          ),
        )}
      </svg>
      <ul className="legend">
        {series.map((s, i) => (
          <li key={s.name}>
            <span style={{ background: COLORS[i % COLORS.length] }} aria-hidden="true" /> {s.name}
          </li>
        ))}
      </ul>
    </figure>
  );
}
