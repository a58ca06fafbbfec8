import { useState } from 'react';
import { Link, useSearch } from 'wouter';
import { api, call } from '../api/client';
import { useHubEvents } from '../api/events';
import { useAction, useLoad } from '../api/hooks';
import type { Schemas } from '../api/types';
import { useNeeds } from '../auth';
import { Empty, ErrorMessage, Loading } from '../components/feedback';
import { ContentView } from '../components/tool-result';

const TABS = ['tools', 'resources', 'prompts'] as const;
type Tab = (typeof TABS)[number];

const matches = (query: string, ...fields: (string | null | undefined | object)[]) => {
  const q = query.trim().toLowerCase();
  return !q || fields.some((f) => typeof f === 'string' && f.toLowerCase().includes(q));
};

/** The aggregated catalog: tools, resources and prompts of every server, searchable. */
export function CatalogPage() {
  const params = new URLSearchParams(useSearch());
  const tab: Tab = TABS.includes(params.get('tab') as Tab) ? (params.get('tab') as Tab) : 'tools';
  const [query, setQuery] = useState(params.get('q') ?? '');
  return (
    <>
      <h1>Tools, resources and prompts</h1>
      <nav className="tabs" aria-label="Catalog">
        {TABS.map((t) => (
          <Link key={t} href={`/tools?tab=${t}`} aria-current={t === tab ? 'page' : undefined}>
            {t[0].toUpperCase() + t.slice(1)}
          </Link>
        ))}
      </nav>
      <label className="search">
        Search
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="name, title or description" />
      </label>
      {tab === 'tools' && <ToolList query={query} />}
      {tab === 'resources' && <ResourceList query={query} />}
      {tab === 'prompts' && <PromptList query={query} />}
    </>
  );
}

function useCatalog<T>(load: () => Promise<T>) {
  const loaded = useLoad(load, []);
  useHubEvents('mcp.catalog.', loaded.reload);
  return loaded;
}

function ToolList({ query }: { query: string }) {
  const tools = useCatalog(() => call(api.GET('/api/tools')));
  if (tools.error) return <ErrorMessage error={tools.error} />;
  if (!tools.data) return <Loading what="tools" />;
  const shown = tools.data.filter((t) => matches(query, t.name, t.serverName, t.title, t.description));
  if (!tools.data.length) return <Empty>No tools yet: once a server connects, its tools appear here.</Empty>;
  if (!shown.length) return <Empty>No tool matches “{query}”.</Empty>;
  return (
    <ul className="list">
      {shown.map((tool) => (
        <li key={`${tool.serverName}/${tool.name}`}>
          <Link href={`/tools/${encodeURIComponent(tool.serverName)}/${encodeURIComponent(tool.name)}`}>
            <strong>{tool.name}</strong>
          </Link>{' '}
          <span className="muted">{tool.serverName}</span>
          {!tool.available && <span className="badge bad">unavailable</span>}
          <div>{(tool.title as string | null) ?? ''} {(tool.description as string | null) ?? ''}</div>
        </li>
      ))}
    </ul>
  );
}

function ResourceList({ query }: { query: string }) {
  const resources = useCatalog(() => call(api.GET('/api/resources')));
  const needsMcp = useNeeds('mcp');
  const [open, setOpen] = useState<string>();
  const read = useAction((uri: string, server: string) => call(api.POST('/api/resources/read', { body: { uri, server } })));
  const [contents, setContents] = useState<Schemas['ReadResourceResultDto']>();
  if (resources.error) return <ErrorMessage error={resources.error} />;
  if (!resources.data) return <Loading what="resources" />;
  const shown = resources.data.resources.filter((r) => matches(query, r.name, r.uri, r.serverName, r.description));
  if (!resources.data.resources.length) return <Empty>No resources: none of the connected servers offers any.</Empty>;
  return (
    <>
      {resources.data.resourceTemplates.length > 0 && <p className="muted">{resources.data.resourceTemplates.length} resource templates besides these.</p>}
      <ul className="list">
        {shown.map((r) => (
          <li key={`${r.serverName}:${r.uri}`}>
            <strong>{r.name}</strong> <span className="muted">{r.serverName}</span> <code>{r.uri}</code>
            <div>{(r.description as string | null) ?? ''}</div>
            <button
              type="button"
              className="secondary"
              disabled={Boolean(needsMcp) || read.running}
              title={needsMcp}
              onClick={async () => {
                setOpen(r.uri);
                setContents(await read.run(r.uri, r.serverName));
              }}
            >
              Read
            </button>
            {open === r.uri && (
              <>
                <ErrorMessage error={read.error} />
                {contents && <ContentView items={contents.contents.map((resource) => ({ type: 'resource', resource }))} />}
              </>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

function PromptList({ query }: { query: string }) {
  const prompts = useCatalog(() => call(api.GET('/api/prompts')));
  if (prompts.error) return <ErrorMessage error={prompts.error} />;
  if (!prompts.data) return <Loading what="prompts" />;
  if (!prompts.data.length) return <Empty>No prompts: none of the connected servers offers any.</Empty>;
  return (
    <ul className="list">
      {prompts.data
        .filter((p) => matches(query, p.name, p.serverName, p.title, p.description))
        .map((p) => (
          <PromptItem key={`${p.serverName}/${p.name}`} prompt={p} />
        ))}
    </ul>
  );
}

function PromptItem({ prompt }: { prompt: Schemas['PromptDto'] }) {
  const needsMcp = useNeeds('mcp');
  const args = prompt.arguments;
  const [values, setValues] = useState<Record<string, string>>({});
  const get = useAction(() => call(api.POST('/api/prompts/{server}/{prompt}/get', { params: { path: { server: prompt.serverName, prompt: prompt.name } }, body: { arguments: values } })));
  const [result, setResult] = useState<Schemas['GetPromptResultDto']>();
  return (
    <li>
      <strong>{prompt.name}</strong> <span className="muted">{prompt.serverName}</span>
      <div>{(prompt.description as string | null) ?? ''}</div>
      <form
        className="row"
        onSubmit={async (e) => {
          e.preventDefault();
          setResult(await get.run());
        }}
      >
        {args.map((a) => (
          <label key={a.name}>
            {a.name}
            {a.required && ' *'}
            <input value={values[a.name] ?? ''} required={a.required} onChange={(e) => setValues({ ...values, [a.name]: e.target.value })} />
          </label>
        ))}
        <button type="submit" className="secondary" disabled={Boolean(needsMcp) || get.running} title={needsMcp}>
          Get prompt
        </button>
      </form>
      <ErrorMessage error={get.error} />
      {result &&
        result.messages.map((m, i) => (
          <div key={i}>
            <span className="muted">{m.role}</span>
            <ContentView items={[m.content as { type: string }]} />
          </div>
        ))}
    </li>
  );
}
