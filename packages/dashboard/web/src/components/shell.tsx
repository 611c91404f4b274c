/**
 * @module components/shell
 * The page frame: skip link, header with the live connection state, the section nav (a toggle
 * button collapses it on narrow screens) and the main landmark.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { href, type Section } from '../lib/route';
import { useConnectionState } from '../lib/live';

const NAV: { section: Section; label: string; link: string }[] = [
  { section: 'apps', label: 'Applications', link: href.apps() },
  { section: 'components', label: 'Components', link: href.components() },
  { section: 'configurations', label: 'Configurations', link: href.configurations() },
  { section: 'traces', label: 'Traces', link: href.traces() },
  { section: 'graph', label: 'Service graph', link: href.graph() },
  { section: 'metrics', label: 'Metrics', link: href.metrics() },
];

const STATE_TEXT = { open: 'Live', connecting: 'Connecting…', closed: 'Disconnected — retrying' } as const;

export function Shell({ section, children, routeKey }: { section: Section | undefined; children: ComponentChildren; routeKey: string }) {
  const state = useConnectionState();
  const [menuOpen, setMenuOpen] = useState(false);
  // Close the phone menu whenever the route changes.
  useEffect(() => setMenuOpen(false), [routeKey]);
  // Escape closes the open phone menu and gives focus back to its button.
  // The listener stays registered and reads the state through a ref, so a key pressed right after
  // the menu opened (before effects run) still counts.
  const toggle = useRef<HTMLButtonElement>(null);
  const open = useRef(menuOpen);
  open.current = menuOpen;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || !open.current) return;
      open.current = false;
      setMenuOpen(false);
      toggle.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div class="shell">
      <a class="skip-link" href="#main" data-testid="skip-link" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={href.apps()}>
          <span aria-hidden="true" class="brand-mark">◆</span> minidapr dashboard
        </a>
        <span class={`conn conn-${state}`} role="status" aria-live="polite" data-testid="connection-status" data-state={state}>
          <span aria-hidden="true" class="conn-dot" />
          {STATE_TEXT[state]}
        </span>
        <button
          type="button"
          class="btn nav-toggle"
          aria-expanded={menuOpen}
          aria-controls="nav"
          ref={toggle}
          data-testid="nav-toggle"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          <span aria-hidden="true">☰</span> Menu
        </button>
      </header>
      <div class="layout">
        <nav id="nav" class={`nav ${menuOpen ? 'nav-open' : ''}`} aria-label="Sections">
          <ul>
            {NAV.map((n) => (
              <li key={n.section}>
                <a href={n.link} aria-current={section === n.section ? 'page' : undefined} data-testid={`nav-${n.section}`}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
