/**
 * A message's actions, shown over its top right corner while it is hovered or holds focus
 * (as Slack and Mattermost do), instead of rows of buttons under every message. It is one
 * ARIA toolbar whose buttons are named for screen readers by the words of their tooltips.
 * The whole list is one Tab stop (`tabbable` marks the message that holds it): ← and →
 * move along a toolbar, ↑ and ↓ to the message before or after, Home and End to the ends.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import './MessageToolbar.css';

export interface MessageActions {
  onReact(): void;
  onReply?(): void;
  onEdit?(): void;
  onDelete?(): void;
  onMarkUnread?(): void;
}

export function MessageToolbar({ actions, reacting, tabbable }: { actions: MessageActions; reacting: boolean; tabbable: boolean }) {
  const [current, setCurrent] = useState(0);
  const buttons: { name: string; run?: () => void; icon: JSX.Element; pressed?: boolean }[] = [
    { name: 'Add reaction', run: actions.onReact, icon: <SmileIcon />, pressed: reacting },
    { name: 'Reply in thread', run: actions.onReply, icon: <ThreadIcon /> },
    { name: 'Mark unread', run: actions.onMarkUnread, icon: <UnreadIcon /> },
    { name: 'Edit', run: actions.onEdit, icon: <PencilIcon /> },
    { name: 'Delete', run: actions.onDelete, icon: <TrashIcon /> },
  ];
  const shown = buttons.filter((button) => button.run);

  const move = (event: KeyboardEvent) => {
    const toolbar = event.currentTarget as HTMLElement;
    const all = [...toolbar.querySelectorAll<HTMLButtonElement>('button')];
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    let next: HTMLElement | undefined;
    if (event.key === 'ArrowRight') next = all[(at + 1) % all.length];
    else if (event.key === 'ArrowLeft') next = all[(at - 1 + all.length) % all.length];
    else if (event.key === 'Home') next = all[0];
    else if (event.key === 'End') next = all[all.length - 1];
    else if (event.key === 'ArrowUp' || event.key === 'ArrowDown') next = neighbourToolbar(toolbar, event.key === 'ArrowUp' ? -1 : 1);
    else return;
    event.preventDefault();
    next?.focus();
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
          tabIndex={tabbable && index === Math.min(current, shown.length - 1) ? 0 : -1}
          onFocus={() => setCurrent(index)}
          {...(button.pressed !== undefined && { 'aria-expanded': button.pressed })}
          onClick={button.run}
        >
          {button.icon}
        </button>
      ))}
    </div>
  );
}

/** The first button of the toolbar of the message `step` rows away, if there is one. */
function neighbourToolbar(toolbar: HTMLElement, step: -1 | 1): HTMLElement | undefined {
  const rows = [...(toolbar.closest('ol')?.querySelectorAll<HTMLElement>(':scope > li.message') ?? [])];
  const at = rows.indexOf(toolbar.closest('li.message')!);
  for (let index = at + step; index >= 0 && index < rows.length; index += step) {
    const button = rows[index]!.querySelector<HTMLElement>(':scope > [role=toolbar] button');
    if (button) return button;
  }
  return undefined;
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
