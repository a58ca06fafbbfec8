import { useMemo, useState } from 'react';
import { api, call } from '../api/client';
import { useLoad } from '../api/hooks';
import type { Rollup, TelemetryStats } from '../api/types';
import { LineChart, type Series } from '../components/chart';
import { Empty, ErrorMessage, formatNumber, formatTime, Loading } from '../components/feedback';

const REFRESH_MS = 5000;
const minuteLabel = (x: number) => new Date(x).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Per-minute series of one key (a tool, a server, or everything) from the rollups. */
function seriesOf(rollups: Rollup[], keyOf: (r: Rollup) => string) {
  const byKey = new Map<string, Rollup[]>();
  for (const r of rollups) byKey.set(keyOf(r), [...(byKey.get(keyOf(r)) ?? []), r]);
  const pick = (value: (rows: Rollup[]) => number | null): Series[] =>
    [...byKey.entries()].map(([name, rows]) => {
      const byMinute = new Map<number, Rollup[]>();
      for (const r of rows) byMinute.set(Date.parse(r.minute), [...(byMinute.get(Date.parse(r.minute)) ?? []), r]);
      return { name, points: [...byMinute.entries()].sort((a, b) => a[0] - b[0]).flatMap(([x, group]) => { const y = value(group); return y === null ? [] : [{ x, y }]; }) };
    });
  const sum = (rows: Rollup[], f: (r: Rollup) => number) => rows.reduce((total, r) => total + f(r), 0);
  // percentiles of a group: the worst row's (rollups of one minute per source cannot be merged exactly)
  const worst = (rows: Rollup[], f: (r: Rollup) => number | null) => Math.max(...rows.map((r) => f(r) ?? 0));
  return {
    rate: pick((rows) => sum(rows, (r) => r.events) / 60),
    errors: pick((rows) => { const n = sum(rows, (r) => r.events); return n ? sum(rows, (r) => r.errors) / n : null; }),
    p50: pick((rows) => worst(rows, (r) => r.p50Ms)),
    p95: pick((rows) => worst(rows, (r) => r.p95Ms)),
    p99: pick((rows) => worst(rows, (r) => r.p99Ms)),
  };
}

/** Calls per second, error rate and latency percentiles over the last hour, per tool or server; anomalies; the event pipeline. */
export function TelemetryPage() {
  const [by, setBy] = useState<'tool' | 'server'>('tool');
  const rollups = useLoad(async () => (await call(api.GET('/api/telemetry/rollups', { params: { query: { type: 'mcp.tool.call' } } }))) as unknown as Rollup[], [], REFRESH_MS);
  const stats = useLoad(async () => (await call(api.GET('/api/telemetry/stats'))) as unknown as TelemetryStats, [], REFRESH_MS);
  const anomalies = useLoad(() => call(api.GET('/api/telemetry/anomalies', { params: { query: { limit: 20 } } })), [], REFRESH_MS);
  const series = useMemo(() => seriesOf(rollups.data ?? [], (r) => (by === 'tool' ? `${r.server}/${r.tool}` : r.server ?? 'unknown')), [rollups.data, by]);
  return (
    <>
      <h1>Telemetry</h1>
      <div className="row">
        <label>
          Per
          <select value={by} onChange={(e) => setBy(e.target.value as 'tool' | 'server')}>
            <option value="tool">tool</option>
            <option value="server">server</option>
          </select>
        </label>
        <span className="muted">Tool calls over the last hour, by minute; the last one is still running (refreshes every {REFRESH_MS / 1000} s)</span>
      </div>
      <ErrorMessage error={rollups.error} />
      {!rollups.data ? (
        <Loading what="rollups" />
      ) : rollups.data.length === 0 ? (
        <Empty>No tool calls in the last hour yet. Call a tool (Tools page, or any MCP client on /mcp) and its minute appears here.</Empty>
      ) : (
        <div className="charts">
          <LineChart title="Calls per second" series={series.rate} formatX={minuteLabel} />
          <LineChart title="Error rate" series={series.errors} formatX={minuteLabel} />
          <LineChart title="p50 latency (ms)" series={series.p50} formatX={minuteLabel} />
          <LineChart title="p95 latency (ms)" series={series.p95} formatX={minuteLabel} />
          <LineChart title="p99 latency (ms)" series={series.p99} formatX={minuteLabel} />
        </div>
      )}
      <h2>Per tool, last hour</h2>
      <ErrorMessage error={stats.error} />
      {stats.data && (
        <>
          <LatencyTable label="Tool latency" keys={['server', 'tool']} rows={stats.data.toolLatency} />
          <h2>Per server, last hour</h2>
          <LatencyTable label="Server latency" keys={['server']} rows={stats.data.serverLatency} />
          <h2>Event pipeline</h2>
          <dl className="facts" aria-label="Stream health">
            <dt>stream length</dt>
            <dd>{stats.data.stream.length}</dd>
            <dt>pending</dt>
            <dd>{stats.data.stream.pending}</dd>
            <dt>consumer lag</dt>
            <dd>{stats.data.stream.lag}</dd>
            <dt>dead letters</dt>
            <dd>{stats.data.stream.deadLetters}</dd>
            <dt>consumers</dt>
            <dd>{stats.data.stream.consumers}</dd>
            <dt>events / s</dt>
            <dd>{formatNumber(stats.data.eventsPerSecond)}</dd>
          </dl>
        </>
      )}
      <h2>Anomalies</h2>
      <ErrorMessage error={anomalies.error} />
      {anomalies.data && (anomalies.data.events.length === 0 ? <p className="muted">None found: latency and error rate stay within their baselines.</p> : (
        <ul className="list">
          {anomalies.data.events.map((a) => (
            <li key={a.id}>
              {formatTime(a.time)} · {String(a.subject ?? '')} · <code>{JSON.stringify(a.data)}</code>
            </li>
          ))}
        </ul>
      ))}
    </>
  );
}

type LatencyRow = TelemetryStats['serverLatency'][number] & { tool?: string };

/** Calls, errors and percentiles per key (server, or server and tool). */
function LatencyTable({ label, keys, rows }: { label: string; keys: ('server' | 'tool')[]; rows: LatencyRow[] }) {
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {keys.map((k) => (
              <th key={k}>{k}</th>
            ))}
            <th>calls</th>
            <th>errors</th>
            <th>p50 ms</th>
            <th>p95 ms</th>
            <th>p99 ms</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={keys.map((k) => row[k]).join('/')}>
              {keys.map((k) => (
                <td key={k}>{row[k]}</td>
              ))}
              <td>{row.calls}</td>
              <td>{row.errors}</td>
              <td>{formatNumber(row.p50Ms, 2)}</td>
              <td>{formatNumber(row.p95Ms, 2)}</td>
              <td>{formatNumber(row.p99Ms, 2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
