import { useState, type FormEvent } from 'react';
import { api, call } from '../api/client';
import { useAction, useLoad } from '../api/hooks';
import type { Schemas } from '../api/types';
import { useAuth, useNeeds } from '../auth';
import { Empty, ErrorMessage, formatTime, Loading } from '../components/feedback';

const SCOPES = ['read', 'mcp', 'admin'] as const;

/** API keys (admin scope): create (the secret shown once), scopes and profile, revoke. */
export function KeysPage() {
  const { can, me } = useAuth();
  if (me.authMode === 'none') {
    return (
      <>
        <h1>API keys</h1>
        <Empty>
          This hub runs with <code>AUTH_MODE=none</code>: keys are not checked. Set <code>AUTH_MODE=api-key</code> to require them; keys made here work then.
        </Empty>
        <Keys />
      </>
    );
  }
  return (
    <>
      <h1>API keys</h1>
      {!can('admin') && <p className="muted">Managing keys needs an API key with the “admin” scope; the hub answers this one:</p>}
      <Keys />
    </>
  );
}

function Keys() {
  const needsAdmin = useNeeds('admin');
  const keys = useLoad(() => call(api.GET('/api/keys')), []);
  const profiles = useLoad(async () => (await call(api.GET('/api/profiles'))) as unknown as Schemas['ProfileDto'][], []);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['read']);
  const [profile, setProfile] = useState('');
  const [created, setCreated] = useState<Schemas['CreatedApiKeyDto']>();
  const create = useAction(async () => {
    const key = await call(api.POST('/api/keys', { body: { name, scopes: scopes as ('read' | 'mcp' | 'admin')[], ...(profile ? { profile } : {}) } }));
    keys.reload();
    return key;
  });
  const revoke = useAction(async (id: string) => {
    await call(api.DELETE('/api/keys/{id}', { params: { path: { id } } }));
    keys.reload();
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(await create.run());
  };
  return (
    <div className="split">
      <section>
        <h2>Keys</h2>
        <ErrorMessage error={keys.error ?? revoke.error} />
        {!keys.data ? (
          <Loading what="keys" />
        ) : keys.data.length === 0 ? (
          <Empty>No keys yet: create one with the form.</Empty>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>name</th>
                  <th>prefix</th>
                  <th>scopes</th>
                  <th>profile</th>
                  <th>last used</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {keys.data.map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td>
                    <td>
                      <code>{k.prefix}…</code>
                    </td>
                    <td>{k.scopes.join(', ')}</td>
                    <td>{(k.profile as string | null) ?? '–'}</td>
                    <td>{formatTime(k.lastUsedAt as string | null)}</td>
                    <td>
                      <button type="button" className="danger" disabled={Boolean(needsAdmin)} title={needsAdmin} onClick={() => window.confirm(`Revoke the key "${k.name}"? Clients using it stop working within seconds.`) && void revoke.run(k.id)}>
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section>
        <h2>Create a key</h2>
        <form className="stack" onSubmit={submit}>
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} required placeholder="claude-desktop" />
          </label>
          <fieldset>
            <legend>Scopes</legend>
            {SCOPES.map((s) => (
              <label key={s} className="check">
                <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} /> {s}
              </label>
            ))}
          </fieldset>
          <label>
            Profile (MCP endpoints only)
            <select value={profile} onChange={(e) => setProfile(e.target.value)}>
              <option value="">none: every server</option>
              {(profiles.data ?? []).map((p) => (
                <option key={p.name}>{p.name}</option>
              ))}
            </select>
          </label>
          <ErrorMessage error={create.error} />
          <button type="submit" disabled={Boolean(needsAdmin) || create.running} title={needsAdmin}>
            Create key
          </button>
        </form>
        {created && (
          <div className="notice" role="status">
            Key <strong>{created.name}</strong> created. Copy it now; it is not shown again:
            <pre className="secret">{created.key}</pre>
          </div>
        )}
      </section>
    </div>
  );
}
