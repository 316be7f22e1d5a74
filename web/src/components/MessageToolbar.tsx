/**
 * A message's actions, shown over its top right corner while it is hovered or holds focus
 * (as Slack and Mattermost do), instead of rows of buttons under every message. It is one
 * ARIA toolbar: a single Tab stop per message, ← and → move between its buttons, and each
 * button is named for screen readers by the words of its tooltip.
 */
import type { JSX } from 'preact';
import './MessageToolbar.css';

export interface MessageActions {
  onReact(): void;
  onReply?(): void;
  onEdit?(): void;
  onDelete?(): void;
  onMarkUnread?(): void;
}

export function MessageToolbar({ actions, reacting }: { actions: MessageActions; reacting: boolean }) {
  const buttons: { name: string; run?: () => void; icon: JSX.Element; pressed?: boolean }[] = [
    { name: 'Add reaction', run: actions.onReact, icon: <SmileIcon />, pressed: reacting },
    { name: 'Reply in thread', run: actions.onReply, icon: <ThreadIcon /> },
    { name: 'Mark unread', run: actions.onMarkUnread, icon: <UnreadIcon /> },
    { name: 'Edit', run: actions.onEdit, icon: <PencilIcon /> },
    { name: 'Delete', run: actions.onDelete, icon: <TrashIcon /> },
  ];
  const shown = buttons.filter((button) => button.run);

  const move = (event: KeyboardEvent) => {
    const keys: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1 };
    const step = keys[event.key];
    if (step === undefined && event.key !== 'Home' && event.key !== 'End') return;
    event.preventDefault();
    const all = [...(event.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button')];
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    const next = event.key === 'Home' ? 0 : event.key === 'End' ? all.length - 1 : (at + step! + all.length) % all.length;
    for (const [index, button] of all.entries()) button.tabIndex = index === next ? 0 : -1;
    all[next]!.focus();
  };

  return (
    <div class="message-toolbar" role="toolbar" aria-label="Message actions" onKeyDown={move}>
      {shown.map((button, index) => (
        <button
          type="button"
          key={button.name}
          class={button.name === 'Delete' ? 'danger' : undefined}
          aria-label={button.name}
          title={button.name}
          tabIndex={index === 0 ? 0 : -1}
          {...(button.pressed !== undefined && { 'aria-expanded': button.pressed })}
          onClick={button.run}
        >
          {button.icon}
        </button>
      ))}
    </div>
  );
}

function Icon({ children }: { children: JSX.Element | JSX.Element[] }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
      {children}
    </svg>
  );
}

const SmileIcon = () => (
  <Icon>
    <circle cx="12" cy="12" r="9" />
    <path d="M8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5h.01M15 9.5h.01" />
  </Icon>
);
const ThreadIcon = () => (
  <Icon>
    <path d="M4 5h16v11H9l-5 4z" />
  </Icon>
);
const UnreadIcon = () => (
  <Icon>
    <path d="M20 12.5V18a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h8" />
    <circle cx="19" cy="6" r="2.5" fill="currentColor" />
  </Icon>
);
const PencilIcon = () => (
  <Icon>
    <path d="M4 20h4L19 9l-4-4L4 16z M13.5 6.5l4 4" />
  </Icon>
);
const TrashIcon = () => (
  <Icon>
    <path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6" />
  </Icon>
);
