import { createContext, useContext, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, apiKey, ApiError, authEvents, call } from './api/client';
import { useLoad } from './api/hooks';
import type { Schemas } from './api/types';
import { ErrorMessage } from './components/feedback';

export type Scope = 'read' | 'admin' | 'mcp';

export type Me = Schemas['CurrentKeyDto'];

const AuthContext = createContext<{ me: Me; forget: () => void } | null>(null);

export function useAuth(): { me: Me; can: (scope: Scope) => boolean; forget: () => void } {
  const context = useContext(AuthContext)!;
  return { ...context, can: (scope) => context.me.allows[scope] };
}

/** Why a button is off for this key, for its title; undefined when the key may use it. */
export function useNeeds(scope: Scope): string | undefined {
  const { can } = useAuth();
  return can(scope) ? undefined : `Needs an API key with the "${scope}" scope`;
}

/**
 * Asks the hub who the browser is (GET /api/auth/me). With AUTH_MODE=api-key and no key, or a bad
 * one, it asks for a key and keeps it for this browser session only.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const [attempt, setAttempt] = useState(0);
  const me = useLoad(() => call(api.GET('/api/auth/me')), [attempt]);
  const forget = () => {
    apiKey.set(null);
    setAttempt((a) => a + 1);
  };
  // a 401 anywhere (a revoked key) asks again who this is
  const signedIn = Boolean(me.data);
  useEffect(() => {
    if (!signedIn) return;
    const ask = () => setAttempt((a) => a + 1);
    authEvents.addEventListener('unauthorized', ask);
    return () => authEvents.removeEventListener('unauthorized', ask);
  }, [signedIn]);
  if (me.error instanceof ApiError && (me.error.status === 401 || me.error.status === 403)) {
    return <KeyPrompt problem={apiKey.get() ? me.error : undefined} onKey={(key) => (apiKey.set(key), setAttempt((a) => a + 1))} />;
  }
  if (me.data) return <AuthContext.Provider value={{ me: me.data, forget }}>{children}</AuthContext.Provider>;
  if (me.error) return <main className="page"><ErrorMessage error={me.error} /></main>;
  return <main className="page" aria-busy="true"><p className="muted">Connecting to the hub…</p></main>;
}

function KeyPrompt({ problem, onKey }: { problem?: Error; onKey: (key: string) => void }) {
  const [key, setKey] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim()) onKey(key.trim());
  };
  return (
    <main className="page narrow">
      <h1>MCP Hub</h1>
      <p>This hub runs with <code>AUTH_MODE=api-key</code>. Enter an API key; it is kept for this browser tab only.</p>
      <p className="muted">An admin creates keys with <code>npm run keys:create -- --name me --scopes read,mcp</code> or on the Keys page.</p>
      {problem && <ErrorMessage error={problem} />}
      <form onSubmit={submit} className="stack">
        <label>
          API key
          <input type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} autoFocus required />
        </label>
        <button type="submit">Use this key</button>
      </form>
    </main>
  );
}
