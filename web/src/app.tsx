import { useEffect, useRef } from 'react';
import { Link, Redirect, Route, Switch, useLocation, useRoute } from 'wouter';
import { AuthGate, useAuth } from './auth';
import { CatalogPage } from './pages/catalog-page';
import { ExperimentsPage, RunComparePage, RunPage } from './pages/experiments-page';
import { KeysPage } from './pages/keys-page';
import { ModelPage, ModelsPage } from './pages/models-page';
import { ServersPage } from './pages/servers-page';
import { TelemetryPage } from './pages/telemetry-page';
import { ToolPage } from './pages/tool-page';
import { JobPage, TrainingPage } from './pages/training-page';

const SECTIONS = [
  { path: '/servers', label: 'Servers' },
  { path: '/tools', label: 'Tools' },
  { path: '/training', label: 'Training' },
  { path: '/experiments', label: 'Experiments' },
  { path: '/models', label: 'Models' },
  { path: '/telemetry', label: 'Telemetry' },
  { path: '/keys', label: 'Keys' },
];

function NavLink({ path, label }: { path: string; label: string }) {
  const [active] = useRoute(`${path}/*?`);
  return (
    <Link href={path} aria-current={active ? 'page' : undefined}>
      {label}
    </Link>
  );
}

/** What the key cannot do, said once on every page (disabled buttons also say it in their title). */
function ScopeNotice() {
  const { me, can } = useAuth();
  const missing = (['admin', 'mcp'] as const).filter((scope) => !can(scope));
  if (!me.key || missing.length === 0) return null;
  return (
    <p className="scope-notice" role="note">
      The key “{me.key.name}” has {me.key.scopes.join(', ')}: actions that need {missing.map((s) => `“${s}”`).join(' or ')} are disabled.
    </p>
  );
}

function Header() {
  const { me, forget } = useAuth();
  return (
    <header className="top">
      <a className="skip" href="#main">Skip to content</a>
      <Link href="/servers" className="brand">MCP Hub</Link>
      <nav aria-label="Sections">
        {SECTIONS.map((s) => (
          <NavLink key={s.path} {...s} />
        ))}
      </nav>
      <div className="who">
        {me.key ? (
          <>
            <span title={`scopes: ${me.key.scopes.join(', ')}`}>
              key <strong>{me.key.name}</strong> · {me.key.scopes.join(', ')}
            </span>
            <button type="button" className="secondary" onClick={forget}>Forget key</button>
          </>
        ) : (
          <span className="muted">no auth (AUTH_MODE=none)</span>
        )}
      </div>
    </header>
  );
}

/** After a client-side navigation, focus goes to the page's content, as it would after a page load. */
function useFocusOnNavigate() {
  const [location] = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus();
  }, [location]);
}

function Shell() {
  useFocusOnNavigate();
  return (
    <>
      <Header />
      <main id="main" className="page" tabIndex={-1}>
        <ScopeNotice />
        <Switch>
          <Route path="/"><Redirect to="/servers" /></Route>
          <Route path="/servers" component={ServersPage} />
          <Route path="/tools/:server/:tool" component={ToolPage} />
          <Route path="/tools" component={CatalogPage} />
          <Route path="/training/jobs/:id" component={JobPage} />
          <Route path="/training" component={TrainingPage} />
          <Route path="/experiments/compare" component={RunComparePage} />
          <Route path="/experiments/runs/:id" component={RunPage} />
          <Route path="/experiments" component={ExperimentsPage} />
          <Route path="/models/:name" component={ModelPage} />
          <Route path="/models" component={ModelsPage} />
          <Route path="/telemetry" component={TelemetryPage} />
          <Route path="/keys" component={KeysPage} />
          <Route>
            <h1>Not found</h1>
            <p>
              No page here. <Link href="/servers">Go to the servers</Link>.
            </p>
          </Route>
        </Switch>
      </main>
    </>
  );
}

export function App() {
  return (
    <AuthGate>
      <Shell />
    </AuthGate>
  );
}
