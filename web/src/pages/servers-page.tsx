import { useState } from 'react';
import { api, call } from '../api/client';
import { useHubEvents } from '../api/events';
import { useAction, useLoad } from '../api/hooks';
import { useNeeds } from '../auth';
import type { Schemas } from '../api/types';
import { Badge, Empty, ErrorMessage, Loading, formatTime } from '../components/feedback';

type Server = Schemas['ServerViewDto'];

/** Start on a running server and stop on a stopped one do nothing. */
const pointless = (action: string, state: string) => (action === 'start' && ['connected', 'connecting'].includes(state)) || (action === 'stop' && ['stopped', 'disabled'].includes(state));

const duration = (seconds: number) => (seconds < 90 ? `${seconds} s` : seconds < 5400 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`);

/** Every upstream server with its state, live from the event stream; start, stop, restart; stderr tail. */
export function ServersPage() {
  const servers = useLoad(async () => (await call(api.GET('/api/servers'))).servers, []);
  const config = useLoad(() => call(api.GET('/api/servers/config-status')), []);
  useHubEvents('mcp.server.,mcp.config.,mcp.catalog.', () => {
    servers.reload();
    config.reload();
  });
  return (
    <>
      <h1>Servers</h1>
      <ConfigSummary status={config.data} error={config.error} />
      <ErrorMessage error={servers.error} />
      {!servers.data ? (
        <Loading what="servers" />
      ) : servers.data.length === 0 ? (
        <Empty>
          No upstream servers yet. Add one to the servers file (<code>MCP_SERVERS_CONFIG</code>, see <code>mcp-servers.example.json</code>) or <code>POST /api/servers</code>.
        </Empty>
      ) : (
        <div className="cards">
          {servers.data.map((server) => (
            <ServerCard key={server.name} server={server} onChange={servers.reload} />
          ))}
        </div>
      )}
    </>
  );
}

function ConfigSummary({ status, error }: { status?: Schemas['ConfigStatusDto']; error?: Error }) {
  if (error) return <ErrorMessage error={error} />;
  if (!status) return null;
  const problems = status.problems;
  return (
    <section className={`config ${status.ok ? '' : 'bad'}`} aria-label="Servers file">
      <strong>Servers file</strong> <code>{status.path}</code> · {status.exists ? (status.ok ? 'loaded' : 'rejected (the last good one runs)') : 'missing'} · {status.fileServers} from the file, {status.apiServers} from the API · loaded {formatTime(status.loadedAt)}
      {problems.length > 0 && (
        <ul>
          {problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ServerCard({ server, onChange }: { server: Server; onChange: () => void }) {
  const needsAdmin = useNeeds('admin');
  const [showLogs, setShowLogs] = useState(false);
  const act = useAction(async (action: 'start' | 'stop' | 'restart') => {
    await call(api.POST(`/api/servers/{name}/${action}` as '/api/servers/{name}/start', { params: { path: { name: server.name } } }));
    onChange();
  });
  return (
    <article className="card" aria-label={`Server ${server.name}`}>
      <header>
        <h2>{server.name}</h2>
        <Badge value={server.state} />
      </header>
      <p>{server.reason}</p>
      {server.lastError && <p className="error-text">Last error: {server.lastError}</p>}
      <dl className="facts">
        <dt>transport</dt>
        <dd>{server.transport}</dd>
        <dt>pid</dt>
        <dd>{server.pid ?? '–'}</dd>
        <dt>uptime</dt>
        <dd>{server.state === 'connected' ? duration(Math.max(0, Math.round((Date.now() - Date.parse(server.since)) / 1000))) : '–'}</dd>
        <dt>attempts</dt>
        <dd>{server.attempts.length}</dd>
        {server.replicas && server.replicas.length > 1 && (
          <>
            <dt>replicas</dt>
            <dd>{replicaSummary(server.replicas)}</dd>
          </>
        )}
        {server.catalog && (
          <>
            <dt>catalog</dt>
            <dd>
              {server.catalog.tools} tools, {server.catalog.resources} resources, {server.catalog.prompts} prompts
            </dd>
          </>
        )}
      </dl>
      <div className="actions">
        {(['start', 'stop', 'restart'] as const).map((action) => (
          <button key={action} type="button" className="secondary" disabled={Boolean(needsAdmin) || act.running || pointless(action, server.state)} title={needsAdmin} onClick={() => void act.run(action)}>
            {action[0].toUpperCase() + action.slice(1)}
          </button>
        ))}
        <button type="button" className="secondary" aria-expanded={showLogs} onClick={() => setShowLogs((s) => !s)}>
          {showLogs ? 'Hide log' : 'Log'}
        </button>
      </div>
      <ErrorMessage error={act.error} />
      {showLogs && <ServerLog name={server.name} />}
    </article>
  );
}

/** "2 connected, 1 backoff" across the hub replicas (each runs its own connection). */
function replicaSummary(replicas: Schemas['ReplicaServerStateDto'][]): string {
  const counts = new Map<string, number>();
  for (const replica of replicas) counts.set(replica.state, (counts.get(replica.state) ?? 0) + 1);
  return [...counts].map(([state, count]) => `${count} ${state}`).join(', ');
}

function ServerLog({ name }: { name: string }) {
  const log = useLoad(() => call(api.GET('/api/servers/{name}/logs', { params: { path: { name } } })), [name], 2000);
  if (log.error) return <ErrorMessage error={log.error} />;
  if (!log.data) return <Loading what="log" />;
  if (!log.data.lines.length) return <p className="muted">Nothing on stderr yet.</p>;
  return (
    <pre className="log" tabIndex={0} aria-label={`stderr of ${name}`}>
      {log.data.lines.map((l) => `${l.at.slice(11, 19)} ${l.line}`).join('\n')}
    </pre>
  );
}
