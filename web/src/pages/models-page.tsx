import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import { api, call } from '../api/client';
import { useHubEvents } from '../api/events';
import { useAction, useLoad } from '../api/hooks';
import type { HistoryEntry, ModelSummary, ModelVersionView, ModelView } from '../api/types';
import { useNeeds } from '../auth';
import { Badge, Empty, ErrorMessage, formatNumber, formatTime, Loading } from '../components/feedback';

const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;

export function ModelsPage() {
  const models = useLoad(async () => (await call(api.GET('/api/ml/models'))) as unknown as ModelSummary[], []);
  return (
    <>
      <h1>Models</h1>
      <ErrorMessage error={models.error} />
      {!models.data ? (
        <Loading what="models" />
      ) : models.data.length === 0 ? (
        <Empty>No registered models yet: submit a training job with “Register as model”, or register a finished job’s model with <code>POST /api/ml/models/&#123;name&#125;/versions</code>.</Empty>
      ) : (
        <ul className="list">
          {models.data.map((m) => (
            <li key={m.id}>
              <Link href={`/models/${encodeURIComponent(m.name)}`}>
                <strong>{m.name}</strong>
              </Link>{' '}
              <span className="muted">{m.description ?? ''}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** A model: versions with stage, aliases and metrics; promote, roll back and alias with a reason; the audit history; a prediction playground. */
export function ModelPage() {
  const { name } = useParams<{ name: string }>();
  const model = useLoad(async () => (await call(api.GET('/api/ml/models/{name}', { params: { path: { name } } }))) as unknown as ModelView, [name]);
  const history = useLoad(async () => (await call(api.GET('/api/ml/models/{name}/history', { params: { path: { name } } }))) as unknown as HistoryEntry[], [name]);
  const reload = () => {
    model.reload();
    history.reload();
  };
  useHubEvents('ml.model.', (event) => event.subject === name && reload());
  return (
    <>
      <p>
        <Link href="/models">← Models</Link>
      </p>
      <h1>{name}</h1>
      <ErrorMessage error={model.error} />
      {model.data && (
        <>
          {model.data.description && <p>{model.data.description}</p>}
          <Versions model={model.data} onChange={reload} />
          <Playground model={model.data} />
        </>
      )}
      <h2>History</h2>
      <ErrorMessage error={history.error} />
      {history.data && (
        <div className="table-wrap">
          <table aria-label="History">
            <thead>
              <tr>
                <th>when</th>
                <th>version</th>
                <th>what</th>
                <th>who</th>
                <th>reason</th>
              </tr>
            </thead>
            <tbody>
              {[...history.data].reverse().map((h) => (
                <tr key={h.seq}>
                  <td>{formatTime(h.time)}</td>
                  <td>{h.version ?? '–'}</td>
                  <td>
                    {h.action.replace(/_/g, ' ')}
                    {h.fromValue !== null || h.toValue !== null ? `: ${h.fromValue ?? '–'} → ${h.toValue ?? '–'}` : ''}
                  </td>
                  <td>{h.actor}</td>
                  <td>{h.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function Versions({ model, onChange }: { model: ModelView; onChange: () => void }) {
  const needsAdmin = useNeeds('admin');
  const [reason, setReason] = useState('');
  const aliasesOf = (v: number) => Object.entries(model.aliases ?? {}).filter(([, version]) => version === v).map(([alias]) => alias);
  // a reason is for one change: it is cleared once that change is made
  const done = () => {
    setReason('');
    onChange();
  };
  const stage = useAction(async (version: number, to: string) => {
    await call(api.POST('/api/ml/models/{name}/versions/{version}/stage', { params: { path: { name: model.name, version } }, body: { stage: to as 'Production', ...(reason ? { reason } : {}) } }));
    done();
  });
  const alias = useAction(async (version: number, aliasName: string) => {
    await call(api.PUT('/api/ml/models/{name}/aliases/{alias}', { params: { path: { name: model.name, alias: aliasName } }, body: { version, ...(reason ? { reason } : {}) } }));
    done();
  });
  const unalias = useAction(async (aliasName: string) => {
    await call(api.DELETE('/api/ml/models/{name}/aliases/{alias}', { params: { path: { name: model.name, alias: aliasName } } }));
    done();
  });
  const metricKeys = [...new Set(model.versions.flatMap((v) => Object.keys(v.metrics ?? {})))].slice(0, 3);
  return (
    <section aria-label="Versions">
      <h2>Versions</h2>
      <label>
        Reason for the next change (kept in the history)
        <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="beats v2 on holdout accuracy" />
      </label>
      <ErrorMessage error={stage.error ?? alias.error ?? unalias.error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>version</th>
              <th>stage</th>
              <th>aliases</th>
              {metricKeys.map((k) => (
                <th key={k}>{k}</th>
              ))}
              <th>created</th>
              <th>move to</th>
              <th>alias</th>
            </tr>
          </thead>
          <tbody>
            {[...model.versions].sort((a, b) => b.version - a.version).map((v) => (
              <tr key={v.id}>
                <td>v{v.version}</td>
                <td>
                  <Badge value={v.stage} />
                </td>
                <td>
                  {aliasesOf(v.version).length === 0
                    ? '–'
                    : aliasesOf(v.version).map((a) => (
                        <span key={a} className="alias">
                          {a}{' '}
                          <button type="button" className="link" disabled={Boolean(needsAdmin)} title={needsAdmin} aria-label={`Remove alias ${a}`} onClick={() => void unalias.run(a)}>
                            ×
                          </button>
                        </span>
                      ))}
                </td>
                {metricKeys.map((k) => (
                  <td key={k}>{formatNumber(v.metrics?.[k])}</td>
                ))}
                <td>{formatTime(v.createdAt)}</td>
                <td className="actions">
                  {STAGES.filter((s) => s !== v.stage).map((s) => (
                    <button key={s} type="button" className="secondary" disabled={Boolean(needsAdmin) || stage.running} title={needsAdmin} aria-label={`Move v${v.version} to ${s}`} onClick={() => void stage.run(v.version, s)}>
                      {s === 'Production' ? 'Promote' : s}
                    </button>
                  ))}
                </td>
                <td>
                  <AliasForm version={v.version} disabled={needsAdmin} onAlias={(a) => void alias.run(v.version, a)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function AliasForm({ version, disabled, onAlias }: { version: number; disabled?: string; onAlias: (alias: string) => void }) {
  const [value, setValue] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value) onAlias(value);
  };
  return (
    <form className="row" onSubmit={submit}>
      <input aria-label={`alias for v${version}`} value={value} onChange={(e) => setValue(e.target.value)} placeholder="champion" size={10} disabled={Boolean(disabled)} />
      <button type="submit" className="secondary" disabled={Boolean(disabled)} title={disabled} aria-label={`Set alias for v${version}`}>
        Set
      </button>
    </form>
  );
}

/** One row through predict: a field per signature input, the answer with class probabilities. */
function Playground({ model }: { model: ModelView }) {
  const needsRead = useNeeds('read');
  const versions = [...model.versions].sort((a, b) => b.version - a.version);
  const [ref, setRef] = useState(String((versions.find((v) => v.stage === 'Production') ?? versions[0])?.version ?? ''));
  const version: ModelVersionView | undefined = versions.find((v) => String(v.version) === ref);
  const [row, setRow] = useState<Record<string, string>>({});
  const predict = useAction(async () => {
    const instance = Object.fromEntries((version?.signature?.inputs ?? []).map((c) => [c.name, ['number', 'integer'].includes(c.type) ? Number(row[c.name]) : c.type === 'boolean' ? row[c.name] === 'true' : row[c.name]]));
    return call(api.POST('/api/ml/models/{name}/predict', { params: { path: { name: model.name }, query: { ref } }, body: { instances: [instance] } }));
  });
  const [answer, setAnswer] = useState<{ predictions: unknown[]; probabilities: Record<string, number>[] | null; model: { version: number } }>();
  if (!version?.signature) return null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setAnswer((await predict.run()) as never);
  };
  return (
    <section aria-label="Prediction playground">
      <h2>Try a prediction</h2>
      <form className="stack" onSubmit={submit}>
        <label>
          Version
          <select value={ref} onChange={(e) => setRef(e.target.value)}>
            {versions.map((v) => (
              <option key={v.id} value={v.version}>
                v{v.version} ({v.stage})
              </option>
            ))}
          </select>
        </label>
        <div className="grid">
          {version.signature.inputs.map((c) => (
            <label key={c.name}>
              {c.name} <small className="muted">{c.type}</small>
              {c.categories ? (
                <select value={row[c.name] ?? ''} onChange={(e) => setRow({ ...row, [c.name]: e.target.value })} required>
                  <option value="">–</option>
                  {c.categories.map((k) => (
                    <option key={k}>{k}</option>
                  ))}
                </select>
              ) : (
                <input type={['number', 'integer'].includes(c.type) ? 'number' : 'text'} step="any" value={row[c.name] ?? ''} onChange={(e) => setRow({ ...row, [c.name]: e.target.value })} required />
              )}
            </label>
          ))}
        </div>
        <button type="submit" disabled={Boolean(needsRead) || predict.running} title={needsRead}>
          Predict
        </button>
      </form>
      <ErrorMessage error={predict.error} />
      {answer && (
        <p aria-live="polite">
          v{answer.model.version} predicts <strong>{String(answer.predictions[0])}</strong>
          {answer.probabilities?.[0] &&
            ` (${Object.entries(answer.probabilities[0])
              .map(([k, p]) => `${k} ${(p * 100).toFixed(1)}%`)
              .join(', ')})`}
        </p>
      )}
    </section>
  );
}
