import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import { api, call } from '../api/client';
import { useLoad } from '../api/hooks';
import type { Experiment, Run } from '../api/types';
import { LineChart } from '../components/chart';
import { Badge, Empty, ErrorMessage, formatNumber, formatTime, Loading } from '../components/feedback';

/** Experiments and their runs: MLflow's filter syntax, ordering, and runs picked for comparison. */
export function ExperimentsPage() {
  const params = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const experiments = useLoad(async () => (await call(api.GET('/api/ml/experiments'))) as unknown as Experiment[], []);
  const selected = params.get('experiment') ?? experiments.data?.[0]?.name ?? '';
  const [filter, setFilter] = useState(params.get('filter') ?? '');
  const [orderBy, setOrderBy] = useState('');
  const [applied, setApplied] = useState({ filter, orderBy });
  const [picked, setPicked] = useState<string[]>([]);
  const runs = useLoad(
    async () => (selected ? ((await call(api.GET('/api/ml/experiments/{idOrName}/runs', { params: { path: { idOrName: selected }, query: { ...(applied.filter ? { filter: applied.filter } : {}), ...(applied.orderBy ? { orderBy: applied.orderBy } : {}), limit: 200 } } }))) as unknown as Run[]) : []),
    [selected, applied.filter, applied.orderBy],
  );
  const metricKeys = [...new Set((runs.data ?? []).flatMap((r) => Object.keys(r.metrics)))].slice(0, 4);
  const onFilter = (event: FormEvent) => {
    event.preventDefault();
    setApplied({ filter, orderBy });
  };
  return (
    <>
      <h1>Experiments and runs</h1>
      <ErrorMessage error={experiments.error} />
      {experiments.data && experiments.data.length === 0 && <Empty>No experiments yet: a training job creates its run in the Default experiment.</Empty>}
      {experiments.data && experiments.data.length > 0 && (
        <>
          <div className="row">
            <label>
              Experiment
              <select value={selected} onChange={(e) => navigate(`/experiments?experiment=${encodeURIComponent(e.target.value)}`)}>
                {experiments.data.map((x) => (
                  <option key={x.id} value={x.name}>
                    {x.name}
                  </option>
                ))}
              </select>
            </label>
            <form onSubmit={onFilter} className="row grow" aria-label="Filter runs">
              <label className="grow">
                Filter
                <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="metrics.accuracy > 0.9 and params.algorithm = 'random_forest'" />
              </label>
              <label>
                Order by
                <input value={orderBy} onChange={(e) => setOrderBy(e.target.value)} placeholder="metrics.accuracy DESC" />
              </label>
              <button type="submit" className="secondary">Apply</button>
            </form>
          </div>
          <ErrorMessage error={runs.error} />
          {!runs.data ? (
            <Loading what="runs" />
          ) : runs.data.length === 0 ? (
            <Empty>No run matches. Clear the filter, or train a model to add runs.</Empty>
          ) : (
            <>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>compare</th>
                      <th>run</th>
                      <th>status</th>
                      <th>started</th>
                      {metricKeys.map((k) => (
                        <th key={k}>{k}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {runs.data.map((run) => (
                      <tr key={run.id}>
                        <td>
                          <input type="checkbox" aria-label={`compare ${run.name ?? run.id}`} checked={picked.includes(run.id)} onChange={(e) => setPicked(e.target.checked ? [...picked, run.id] : picked.filter((p) => p !== run.id))} />
                        </td>
                        <td>
                          <Link href={`/experiments/runs/${run.id}`}>{run.name ?? run.id.slice(0, 8)}</Link>
                        </td>
                        <td>
                          <Badge value={run.status} />
                        </td>
                        <td>{formatTime(run.createdAt)}</td>
                        {metricKeys.map((k) => (
                          <td key={k}>{formatNumber(run.metrics[k])}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <button type="button" disabled={picked.length < 2} onClick={() => navigate(`/experiments/compare?ids=${picked.join(',')}`)}>
                Compare {picked.length} runs
              </button>
            </>
          )}
        </>
      )}
    </>
  );
}

/** Runs side by side: every param and metric, differences marked. */
export function RunComparePage() {
  const ids = new URLSearchParams(useSearch()).get('ids') ?? '';
  const compared = useLoad(async () => (await call(api.GET('/api/ml/runs/compare', { params: { query: { ids } } }))) as unknown as { runs: Run[] }, [ids]);
  const runs = compared.data?.runs ?? [];
  const rows = (pick: (r: Run) => Record<string, unknown>) => [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();
  const table = (title: string, pick: (r: Run) => Record<string, unknown>) => (
    <>
      <h2>{title}</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{title.toLowerCase()}</th>
              {runs.map((r) => (
                <th key={r.id}>{r.name ?? r.id.slice(0, 8)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows(pick).map((key) => {
              const values = runs.map((r) => pick(r)[key]);
              const differs = new Set(values.map((v) => JSON.stringify(v))).size > 1;
              return (
                <tr key={key} className={differs ? 'differs' : ''}>
                  <td>{key}</td>
                  {values.map((v, i) => (
                    <td key={i}>{typeof v === 'number' ? formatNumber(v, 4) : String(v ?? '–')}</td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
  return (
    <>
      <p>
        <Link href="/experiments">← Experiments</Link>
      </p>
      <h1>Compare runs</h1>
      <ErrorMessage error={compared.error} />
      {compared.data && (
        <>
          {table('Metrics', (r) => r.metrics)}
          {table('Params', (r) => r.params)}
        </>
      )}
    </>
  );
}

/** One run: params, tags, and each metric's history as a chart (loss per epoch and the like). */
export function RunPage() {
  const { id } = useParams<{ id: string }>();
  const run = useLoad(async () => (await call(api.GET('/api/ml/runs/{id}', { params: { path: { id } } }))) as unknown as Run, [id]);
  const keys = Object.keys(run.data?.metrics ?? {});
  const history = useLoad(
    async () => Promise.all(keys.map(async (key) => ({ key, points: (await call(api.GET('/api/ml/runs/{id}/metrics/{key}', { params: { path: { id, key } } }))) as unknown as { step: number; value: number }[] }))),
    [id, keys.join(',')],
  );
  return (
    <>
      <p>
        <Link href="/experiments">← Experiments</Link>
      </p>
      <ErrorMessage error={run.error} />
      {run.data && (
        <>
          <h1>
            {run.data.name ?? run.data.id} <Badge value={run.data.status} />
          </h1>
          <dl className="facts">
            {Object.entries(run.data.params).map(([k, v]) => (
              <div key={k} className="fact">
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          <h2>Metrics</h2>
          <ErrorMessage error={history.error} />
          <div className="charts">
            {(history.data ?? []).map(({ key, points }) => (
              <LineChart key={key} title={`${key} (latest ${formatNumber(run.data!.metrics[key], 4)})`} series={[{ name: key, points: points.map((p) => ({ x: p.step, y: p.value })) }]} formatX={(x) => `step ${x}`} />
            ))}
          </div>
        </>
      )}
    </>
  );
}
