// The signed-in frame: skip link, header with the report time zone and the user menu,
// navigation by role, and the current view.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Me } from './api/types';
import { sectionOf, sectionsFor } from './lib/navigation';
import { humanize } from './lib/format';
import { location } from './lib/router';
import { session } from './state/session';
import { setTimeZone, timeZone, zoneChoices } from './state/prefs';
import { useStore } from './state/store';

function UserMenu(props: { me: Me }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('click', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('click', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  const name = props.me.user?.name ?? 'API token';
  return (
    <div class="user-menu" ref={ref}>
      <button type="button" class="btn btn-ghost user-button" aria-label={`Account: ${name}`} aria-expanded={open} aria-controls="user-menu-panel" onClick={() => setOpen(!open)}>
        <span class="avatar" aria-hidden="true">
          {name.charAt(0).toUpperCase()}
        </span>
        <span class="user-name">{name}</span>
      </button>
      {open && (
        <div class="menu-panel" id="user-menu-panel">
          <p class="menu-line">
            <strong>{name}</strong>
            <br />
            <span class="muted">{props.me.user?.email}</span>
          </p>
          <p class="menu-line">
            Role: <span data-testid="role">{props.me.role ? humanize(props.me.role) : '—'}</span>
            <br />
            Tenant: <span data-testid="tenant">{props.me.tenant.name}</span>
          </p>
          <button type="button" class="btn btn-block" onClick={() => void session.logout()}>
            Sign out
          </button>
        </div>
      )}
    </div>
  );
}

function ZonePicker() {
  const tz = useStore(timeZone);
  return (
    <label class="zone-picker">
      <span class="zone-label">Time zone</span>
      <select value={tz} onChange={(e) => setTimeZone(e.currentTarget.value)} aria-label="Report time zone">
        {zoneChoices().map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Shell(props: { me: Me; children: ComponentChildren }) {
  const [navOpen, setNavOpen] = useState(false);
  const path = location().path;
  const sections = sectionsFor(props.me.permissions, props.me.agent_id ?? null);
  const active = sectionOf(path);
  useEffect(() => setNavOpen(false), [path]);
  const link = (s: (typeof sections)[number]) => (
    <li key={s.path}>
      <a href={s.path} aria-current={active?.path === s.path ? 'page' : undefined}>
        {s.label}
      </a>
    </li>
  );
  const main = sections.filter((s) => s.group === 'main');
  const admin = sections.filter((s) => s.group === 'admin');
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <button type="button" class="btn btn-ghost nav-toggle" aria-expanded={navOpen} aria-controls="nav" onClick={() => setNavOpen(!navOpen)}>
          <span aria-hidden="true">☰</span>
          <span class="visually-hidden">Menu</span>
        </button>
        <a class="brand" href="/" aria-label="Callboard start page">
          <span class="brand-mark" aria-hidden="true">
            C
          </span>
          <span class="brand-text">Callboard</span>
        </a>
        <span class="tenant-name">{props.me.tenant.name}</span>
        <div class="topbar-end">
          <ZonePicker />
          <UserMenu me={props.me} />
        </div>
      </header>
      <nav id="nav" class={'sidebar' + (navOpen ? ' open' : '')} aria-label="Main">
        <ul>{main.map(link)}</ul>
        {admin.length > 0 && (
          <>
            <h2 class="nav-group">Administration</h2>
            <ul>{admin.map(link)}</ul>
          </>
        )}
      </nav>
      <main id="main" class="content" tabIndex={-1}>
        {props.children}
      </main>
    </div>
  );
}
