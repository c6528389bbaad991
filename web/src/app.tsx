import { Suspense, useState } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { Button, Loading } from './components/ui';
import { PAGES } from './pages';
import { SignInPage } from './pages/sign-in';
import { useSession } from './session';

export function App() {
  const { user, signOut } = useSession();
  const [location] = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  if (user === undefined) return <p className="muted">Loading…</p>;
  if (user === null) return <SignInPage />;
  const pages = PAGES.filter((p) => !p.adminOnly || user.role === 'admin');
  const current = (path: string) => (path === '/' ? location === '/' : location === path || location.startsWith(`${path}/`));
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">AutoHub</span>
        <Button className="menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </Button>
        <span className="who">
          {user.name} <span className="muted">({user.role})</span>
        </span>
        <Button onClick={() => void signOut()}>Sign out</Button>
      </header>
      <nav id="nav" className={menuOpen ? 'nav open' : 'nav'} aria-label="Pages">
        <ul>
          {pages.map((p) => (
            <li key={p.path}>
              <Link href={p.path} aria-current={current(p.path) ? 'page' : undefined} onClick={() => setMenuOpen(false)}>
                {p.title}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        <Suspense fallback={<Loading what="Loading the page" />}>
          <Switch>
            {pages.map((p) =>
              p.path === '/' ? (
                <Route key={p.path} path="/" component={p.component} />
              ) : (
                <Route key={p.path} path={p.path} nest component={p.component} />
              ),
            )}
            <Route>
              <p role="alert">No page here. Choose one from the menu.</p>
            </Route>
          </Switch>
        </Suspense>
      </main>
    </div>
  );
}
