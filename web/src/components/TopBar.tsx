/**
 * The top bar: one row at any width. The sections and the connection's state stay in
 * sight; the person's own things — who they are, dark mode, notifications, shortcuts, sign
 * out — are in their menu.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useConsole } from '../context.js';
import type { NotificationState } from '../hooks/useNotifications.js';
import type { Route } from '../hooks/useRoute.js';
import { useTheme } from '../theme.js';
import { ConnectionStatus } from './ConnectionStatus.js';
import { userName } from './names.js';
import { SectionLinks } from './Sections.js';
import './TopBar.css';

interface Props {
  route: Route;
  notifications: { state: NotificationState; enable(): Promise<void> };
  onShortcuts(): void;
}

const NOTIFICATION_NOTES: Record<NotificationState, string | undefined> = {
  default: undefined,
  granted: 'Notifications are on for messages in chats you are not looking at.',
  denied: 'Notifications are blocked: allow them for this site in the browser’s settings.',
  unsupported: 'This browser cannot show notifications.',
};

export function TopBar({ route, notifications, onShortcuts }: Props) {
  const { self, events, features, signOut } = useConsole();
  const theme = useTheme();
  const [open, setOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  // The menu closes on Escape (focus back on its button) and on a click anywhere else.
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    // The path as dispatched: a button the click itself removed (Turn on notifications) was inside.
    const onClick = (event: MouseEvent) => {
      if (menu.current && !event.composedPath().includes(menu.current)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('click', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('click', onClick);
    };
  }, [open]);

  const name = userName(self);
  const note = NOTIFICATION_NOTES[notifications.state];
  return (
    <header class="topbar">
      <span class="brand">Confab</span>
      <nav aria-label="Sections" class="sections">
        <SectionLinks self={self} route={route} />
      </nav>
      <ConnectionStatus status={events.status} />
      {features.emulator && <span class="badge">emulator</span>}
      <div class="account" ref={menu}>
        <button ref={button} type="button" class="account-button" aria-expanded={open} aria-controls="account-menu" onClick={() => setOpen(!open)}>
          <span class="who" title={self.email}>
            {name}
          </span>
          <span class="visually-hidden"> — menu</span>
          <span class="account-icon" aria-hidden="true">
            ☰
          </span>
        </button>
        {open && (
          <div id="account-menu" class="account-menu">
            <p class="account-who">
              <strong>{name}</strong>
              {self.email && <span class="muted">{self.email}</span>}
            </p>
            <button type="button" aria-pressed={theme.dark} onClick={theme.toggle}>
              Dark mode
              <span class="toggle-state" aria-hidden="true">
                {theme.dark ? 'on' : 'off'}
              </span>
            </button>
            {notifications.state === 'default' && (
              <button type="button" onClick={() => void notifications.enable()}>
                Turn on notifications
              </button>
            )}
            {note && <p class="muted account-note">{note}</p>}
            <button
              type="button"
              onClick={() => {
                setOpen(false);
                onShortcuts();
              }}
            >
              Keyboard shortcuts
            </button>
            <button type="button" onClick={() => signOut('You signed out.')}>
              Sign out
            </button>
          </div>
        )}
      </div>
    </header>
  );
}
