/**
 * The console's keyboard shortcuts, in one place (the "?" sheet lists the same table):
 * Ctrl/⌘+K jumps to a chat by name, Alt+↑/↓ moves between chats in the list's order, "?"
 * shows the sheet. Escape closes what is open where it is open (dialogs, the menu, panels).
 */
import { useEffect, useRef } from 'preact/hooks';
import type { ChatRow } from './useChats.js';
import { chatHref } from './useRoute.js';

/** Each row: the keys (any one of them does it) and what it does. */
export const SHORTCUTS: readonly { keys: readonly string[]; does: string }[] = [
  { keys: ['Ctrl+K', '⌘+K'], does: 'Jump to a chat by name' },
  { keys: ['Alt+↑', 'Alt+↓'], does: 'Previous / next chat in the list' },
  { keys: ['Enter'], does: 'Send the message (Shift+Enter: a new line)' },
  { keys: ['Escape'], does: 'Close the open dialog, menu or panel' },
  { keys: ['?'], does: 'Show these shortcuts' },
];

/** Opens a chat and puts the cursor in its message box, as soon as the box is there. */
export function openChatAndFocus(chatId: string): void {
  window.location.hash = chatHref(chatId);
  const deadline = Date.now() + 2000;
  const focus = () => {
    const box = document.getElementById('composer-message');
    if (box && document.querySelector('dialog[open]') === null) box.focus();
    else if (Date.now() < deadline) requestAnimationFrame(focus);
  };
  requestAnimationFrame(focus);
}

/** Typing "?" into a box is a question mark, not a shortcut. */
function typingIn(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName));
}

export function useShortcuts(options: { rows: readonly ChatRow[]; openChatId?: string; onJump(): void; onHelp(): void }): void {
  const latest = useRef(options);
  latest.current = options;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const { rows, openChatId, onJump, onHelp } = latest.current;
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        onJump();
      } else if (event.altKey && !event.ctrlKey && !event.metaKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
        if (rows.length === 0 || document.querySelector('dialog[open]')) return;
        event.preventDefault();
        const at = rows.findIndex((row) => row.chat.id === openChatId || row.chat.display_id === openChatId);
        const step = event.key === 'ArrowDown' ? 1 : -1;
        const next = rows[at === -1 ? (step === 1 ? 0 : rows.length - 1) : Math.min(Math.max(at + step, 0), rows.length - 1)]!;
        openChatAndFocus(next.chat.id);
      } else if (event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey && !typingIn(event.target)) {
        if (document.querySelector('dialog[open]')) return;
        event.preventDefault();
        onHelp();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
