import { Outlet } from 'react-router';
import { Header } from './Header';

/** Page chrome: skip link, header and the routed page in `<main>`. */
export function Layout() {
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
