import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import { api, call } from '../api/client';
import { useAction, useLoad } from '../api/hooks';
import type { Schemas } from '../api/types';
import { useNeeds } from '../auth';
import { ErrorMessage, Loading } from '../components/feedback';
import { cleaned, initialValue, SchemaForm, type JsonSchema } from '../components/schema-form';
import { ContentView } from '../components/tool-result';

/** One tool: its description and schema as a form; calling it shows the result and how long it took. */
export function ToolPage() {
  const { server, tool } = useParams<{ server: string; tool: string }>();
  const loaded = useLoad(() => call(api.GET('/api/tools/{server}/{tool}', { params: { path: { server, tool } } })), [server, tool]);
  return (
    <>
      <p>
        <Link href="/tools">← Tools</Link>
      </p>
      <h1>
        {tool} <span className="muted">on {server}</span>
      </h1>
      <ErrorMessage error={loaded.error} />
      {!loaded.data && !loaded.error && <Loading what="the tool" />}
      {loaded.data && <ToolForm key={`${server}/${tool}`} tool={loaded.data} />}
    </>
  );
}

function ToolForm({ tool }: { tool: Schemas['ToolDto'] }) {
  const needsMcp = useNeeds('mcp');
  const schema = tool.inputSchema as JsonSchema;
  const [args, setArgs] = useState(() => initialValue(schema) ?? {});
  const [outcome, setOutcome] = useState<{ result: Schemas['CallToolResultDto']; ms: number }>();
  const invoke = useAction(async () => {
    const started = performance.now();
    const result = await call(api.POST('/api/tools/{server}/{tool}/call', { params: { path: { server: tool.serverName, tool: tool.name } }, body: { arguments: cleaned(args) as Record<string, never> } }));
    return { result, ms: performance.now() - started };
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(await invoke.run());
  };
  return (
    <div className="split">
      <section>
        {typeof tool.description === 'string' && <p>{tool.description}</p>}
        <form onSubmit={submit} className="stack" aria-label="Arguments">
          <SchemaForm schema={schema} value={args} onChange={(next) => setArgs(next ?? {})} />
          <button type="submit" disabled={Boolean(needsMcp) || invoke.running} title={needsMcp}>
            {invoke.running ? 'Calling…' : 'Call tool'}
          </button>
        </form>
        <details>
          <summary>Input schema</summary>
          <pre>{JSON.stringify(schema, null, 2)}</pre>
        </details>
      </section>
      <section aria-live="polite" aria-label="Result">
        <h2>Result</h2>
        <ErrorMessage error={invoke.error} />
        {outcome ? (
          <>
            <p className={outcome.result.isError ? 'error-text' : 'muted'}>
              {outcome.result.isError ? 'The tool reported an error' : 'Done'} in <strong className="latency">{outcome.ms.toFixed(1)} ms</strong>
            </p>
            <ContentView items={outcome.result.content as never[]} />
            {outcome.result.structuredContent && <pre className="result">{JSON.stringify(outcome.result.structuredContent, null, 2)}</pre>}
          </>
        ) : (
          !invoke.error && <p className="muted">Fill in the arguments and call the tool.</p>
        )}
      </section>
    </div>
  );
}
