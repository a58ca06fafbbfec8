import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import { api, call } from '../api/client';
import { useHubEvents } from '../api/events';
import { useAction, useLoad } from '../api/hooks';
import type { Adapter, Schemas } from '../api/types';
import { useNeeds } from '../auth';
import { Badge, Empty, ErrorMessage, formatNumber, formatTime, Loading, Progress } from '../components/feedback';
import { cleaned, initialValue, SchemaForm, type JsonSchema } from '../components/schema-form';

const ACTIVE = new Set(['queued', 'running']);
type Job = Schemas['TrainingJobDto'];

/** Datasets, training jobs with live progress, and a form to submit one built from the adapter catalog. */
export function TrainingPage() {
  const datasets = useLoad(() => call(api.GET('/api/ml/datasets')), []);
  const [active, setActive] = useState(false);
  const jobs = useLoad(() => call(api.GET('/api/ml/training-jobs', { params: { query: { status: 'all', limit: 50 } } })), [], active ? 1000 : undefined);
  useEffect(() => setActive(Boolean(jobs.data?.some((j) => ACTIVE.has(j.status)))), [jobs.data]);
  // progress events come every 250 ms per running job: one reload a second is plenty
  const lastReload = useRef(0);
  useHubEvents('ml.job.', () => {
    if (Date.now() - lastReload.current < 1000) return;
    lastReload.current = Date.now();
    jobs.reload();
  });
  return (
    <>
      <h1>Training</h1>
      <div className="split">
        <section>
          <h2>Jobs</h2>
          <ErrorMessage error={jobs.error} />
          {!jobs.data ? <Loading what="jobs" /> : jobs.data.length === 0 ? <Empty>No training jobs yet: submit one with the form.</Empty> : <JobTable jobs={jobs.data} datasets={datasets.data ?? []} onChange={jobs.reload} />}
        </section>
        <section>
          <h2>Submit a job</h2>
          {datasets.data && <SubmitForm datasets={datasets.data} onSubmitted={jobs.reload} />}
        </section>
      </div>
      <h2>Datasets</h2>
      <ErrorMessage error={datasets.error} />
      {!datasets.data ? (
        <Loading what="datasets" />
      ) : datasets.data.length === 0 ? (
        <Empty>
          No datasets yet. Register a CSV or JSON Lines file: <code>curl -X POST localhost:3456/api/ml/datasets -H 'content-type: application/json' -d '{`{"uri": "local://data/sample.csv", "name": "iris"}`}'</code>
        </Empty>
      ) : (
        datasets.data.map((d) => <DatasetView key={d.id} dataset={d} />)
      )}
    </>
  );
}

function JobTable({ jobs, datasets, onChange }: { jobs: Job[]; datasets: Schemas['DatasetDto'][]; onChange: () => void }) {
  const needsAdmin = useNeeds('admin');
  const cancel = useAction(async (id: string) => {
    await call(api.POST('/api/ml/training-jobs/{id}/cancel', { params: { path: { id } } }));
    onChange();
  });
  const nameOf = (id: string) => datasets.find((d) => d.id === id)?.name ?? id.slice(0, 8);
  return (
    <>
      <ErrorMessage error={cancel.error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>job</th>
              <th>status</th>
              <th>progress</th>
              <th>dataset → target</th>
              <th>metrics</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.id}>
                <td>
                  <Link href={`/training/jobs/${job.id}`}>{`${job.adapter}/${job.algorithm}`}</Link>
                  <div className="muted">{formatTime(job.createdAt)}</div>
                </td>
                <td>
                  <Badge value={job.status} />
                </td>
                <td>
                  <Progress value={job.progress} label={`progress of ${job.adapter}/${job.algorithm}`} />
                  <div className="muted">{job.stage ?? ''}</div>
                </td>
                <td>
                  {nameOf(job.datasetId)} → {job.target}
                </td>
                <td>{job.metrics ? Object.entries(job.metrics as Record<string, number>).slice(0, 2).map(([k, v]) => `${k} ${formatNumber(v)}`).join(', ') : '–'}</td>
                <td>{ACTIVE.has(job.status) && <button type="button" className="secondary" disabled={Boolean(needsAdmin)} title={needsAdmin} onClick={() => void cancel.run(job.id)}>Cancel</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function SubmitForm({ datasets, onSubmitted }: { datasets: Schemas['DatasetDto'][]; onSubmitted: () => void }) {
  const needsAdmin = useNeeds('admin');
  const adapters = useLoad(async () => (await call(api.GET('/api/ml/adapters'))) as unknown as Adapter[], []);
  const [adapter, setAdapter] = useState('node');
  const [algorithm, setAlgorithm] = useState('');
  const [dataset, setDataset] = useState(datasets[0]?.name ?? '');
  const [target, setTarget] = useState('');
  const [features, setFeatures] = useState<string[] | null>(null);
  const [hyperparameters, setHyperparameters] = useState<unknown>({});
  const [registerAs, setRegisterAs] = useState('');
  const chosen = adapters.data?.find((a) => a.name === adapter);
  const algorithmInfo = chosen?.algorithms[algorithm];
  const columns = useMemo(() => datasets.find((d) => d.name === dataset)?.columns ?? [], [datasets, dataset]);
  useEffect(() => {
    if (chosen && !chosen.algorithms[algorithm]) setAlgorithm(Object.keys(chosen.algorithms)[0] ?? '');
  }, [chosen, algorithm]);
  useEffect(() => setHyperparameters(algorithmInfo ? initialValue(algorithmInfo.hyperparameters as JsonSchema) : {}), [algorithmInfo]);
  useEffect(() => {
    setTarget(columns[columns.length - 1]?.name ?? '');
    setFeatures(null);
  }, [columns]);
  const submit = useAction(async () => {
    const job = await call(
      api.POST('/api/ml/training-jobs', {
        body: { adapter: adapter as 'node', algorithm, dataset, target, hyperparameters: cleaned(hyperparameters) as Record<string, never>, ...(features ? { features: features.filter((f) => f !== target) } : {}), ...(registerAs ? { registerAs } : {}) },
      }),
    );
    onSubmitted();
    return job;
  });
  if (adapters.error) return <ErrorMessage error={adapters.error} />;
  if (!adapters.data) return <Loading what="adapters" />;
  if (!datasets.length) return <Empty>Register a dataset first (below).</Empty>;
  const featureNames = features ?? columns.map((c) => c.name).filter((c) => c !== target);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit.run();
  };
  return (
    <form className="stack" onSubmit={onSubmit} aria-label="Submit a training job">
      <label>
        Adapter
        <select value={adapter} onChange={(e) => setAdapter(e.target.value)}>
          {adapters.data.map((a) => (
            <option key={a.name} value={a.name} disabled={!a.status.available}>
              {a.name} — {a.status.available ? a.runtime : `unavailable: install ${(a.status.missing ?? []).join(', ')}`}
            </option>
          ))}
        </select>
      </label>
      <label>
        Algorithm
        <select value={algorithm} onChange={(e) => setAlgorithm(e.target.value)}>
          {Object.entries(chosen?.algorithms ?? {}).map(([name, info]) => (
            <option key={name} value={name}>
              {name} ({info.tasks.join(', ')})
            </option>
          ))}
        </select>
      </label>
      {algorithmInfo && <p className="muted">{algorithmInfo.description}</p>}
      <label>
        Dataset
        <select value={dataset} onChange={(e) => setDataset(e.target.value)}>
          {datasets.map((d) => (
            <option key={d.id} value={d.name}>
              {d.name} ({d.rowCount} rows)
            </option>
          ))}
        </select>
      </label>
      <label>
        Target
        <select value={target} onChange={(e) => setTarget(e.target.value)}>
          {columns.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name} ({c.type})
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Features</legend>
        {columns
          .filter((c) => c.name !== target)
          .map((c) => (
            <label key={c.name} className="check">
              <input type="checkbox" checked={featureNames.includes(c.name)} onChange={(e) => setFeatures(e.target.checked ? [...featureNames, c.name] : featureNames.filter((f) => f !== c.name))} /> {c.name}
            </label>
          ))}
      </fieldset>
      {algorithmInfo && (
        <fieldset>
          <legend>Hyperparameters</legend>
          <SchemaForm schema={algorithmInfo.hyperparameters as JsonSchema} value={hyperparameters} onChange={setHyperparameters} />
        </fieldset>
      )}
      <label>
        Register as model (optional)
        <input value={registerAs} onChange={(e) => setRegisterAs(e.target.value)} placeholder="iris-classifier" />
      </label>
      <ErrorMessage error={submit.error} />
      <button type="submit" disabled={Boolean(needsAdmin) || submit.running} title={needsAdmin}>
        Submit job
      </button>
    </form>
  );
}

function DatasetView({ dataset }: { dataset: Schemas['DatasetDto'] }) {
  return (
    <details className="card">
      <summary>
        <strong>{dataset.name}</strong> · {dataset.format} · {dataset.rowCount} rows · {dataset.columns.length} columns · {formatTime(dataset.createdAt)}
      </summary>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>column</th>
              <th>type</th>
              <th>missing</th>
              <th>distinct</th>
              <th>range or top values</th>
            </tr>
          </thead>
          <tbody>
            {dataset.columns.map((c) => (
              <tr key={c.name}>
                <td>{c.name}</td>
                <td>{c.type}</td>
                <td>{c.missing}</td>
                <td>{c.distinct}</td>
                <td>{c.min !== undefined ? `${c.min} – ${c.max}` : ((c.top ?? []) as unknown as { value: string; count: number }[]).map((t) => `${t.value} (${t.count})`).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

type LogLine = Schemas['TrainingJobLogDto'];
/** Lines kept on the page; older ones scroll away. */
const MAX_LINES = 5000;

/** One job: its state and progress, and its log, followed while it runs. */
export function JobPage() {
  const { id } = useParams<{ id: string }>();
  const [running, setRunning] = useState(true);
  const job = useLoad(() => call(api.GET('/api/ml/training-jobs/{id}', { params: { path: { id } } })), [id], running ? 1000 : undefined);
  const lines = useRef<{ job: string; shown: LogLine[] }>({ job: id, shown: [] });
  // each poll asks only for the lines after the last one shown
  const logs = useLoad(
    async () => {
      if (lines.current.job !== id) lines.current = { job: id, shown: [] };
      const last = lines.current.shown[lines.current.shown.length - 1];
      const fresh = await call(api.GET('/api/ml/training-jobs/{id}/logs', { params: { path: { id }, query: { limit: 1000, ...(last ? { after: Number(last.seq) } : {}) } } }));
      lines.current.shown = [...lines.current.shown, ...fresh].slice(-MAX_LINES);
      return lines.current.shown;
    },
    [id],
    running ? 1000 : undefined,
  );
  const reloadLogs = logs.reload;
  useEffect(() => {
    if (!job.data) return;
    const active = ACTIVE.has(job.data.status);
    setRunning(active);
    // the lines written just before the end
    if (!active) reloadLogs();
  }, [job.data?.status, reloadLogs]);
  useEffect(() => {
    if (job.error) setRunning(false);
  }, [job.error]);
  const logBox = useRef<HTMLPreElement>(null);
  useEffect(() => {
    logBox.current?.scrollTo({ top: logBox.current.scrollHeight });
  }, [logs.data?.length]);
  return (
    <>
      <p>
        <Link href="/training">← Training</Link>
      </p>
      <ErrorMessage error={job.error} />
      {job.data && (
        <>
          <h1>
            {job.data.adapter}/{job.data.algorithm} <Badge value={job.data.status} />
          </h1>
          <Progress value={job.data.progress} label="progress" />
          {job.data.error && <p className="error-text">{job.data.error}</p>}
          <dl className="facts">
            <dt>target</dt>
            <dd>{job.data.target}</dd>
            <dt>features</dt>
            <dd>{job.data.features.join(', ')}</dd>
            <dt>hyperparameters</dt>
            <dd>
              <code>{JSON.stringify(job.data.hyperparameters)}</code>
            </dd>
            <dt>metrics</dt>
            <dd>{job.data.metrics ? Object.entries(job.data.metrics as Record<string, number>).map(([k, v]) => `${k} ${formatNumber(v)}`).join(' · ') : '–'}</dd>
            <dt>run</dt>
            <dd>{job.data.runId ? <Link href={`/experiments/runs/${job.data.runId}`}>{job.data.runId}</Link> : '–'}</dd>
            <dt>registered</dt>
            <dd>
              {(job.data.registeredVersions as unknown as { model: string; version: number }[]).map((v) => (
                <Link key={v.model} href={`/models/${v.model}`}>
                  {v.model} v{v.version}
                </Link>
              ))}
            </dd>
          </dl>
        </>
      )}
      <h2>Log {running && <span className="muted">(following)</span>}</h2>
      <ErrorMessage error={logs.error} />
      <pre className="log" tabIndex={0} aria-label="job log" ref={logBox}>
        {(logs.data ?? []).map((l) => `${l.time.slice(11, 19)} ${l.level.padEnd(5)} ${l.message}`).join('\n') || 'Nothing logged yet.'}
      </pre>
    </>
  );
}
