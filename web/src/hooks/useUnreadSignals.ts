/**
 * Unread outside the page: the tab's title counts unread messages — `(7) Confab` — and the
 * favicon carries a red dot while there are any, so a background tab says so.
 */
import { useEffect } from 'preact/hooks';

const TITLE = 'Confab';
const ICON = '/favicon.svg';
/** The favicon (public/favicon.svg) with a dot at its top right corner. */
const ICON_WITH_DOT = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 36 40"><rect x="1" y="6" width="34" height="26" rx="7" fill="#2f6fde"/>' +
    '<path d="M10 32 L8 39 L17 32 Z" fill="#2f6fde"/><circle cx="11" cy="19" r="3" fill="#fff"/><circle cx="18" cy="19" r="3" fill="#fff"/>' +
    '<circle cx="25" cy="19" r="3" fill="#fff"/><circle cx="28" cy="9" r="8" fill="#d93025" stroke="#fff" stroke-width="2"/></svg>',
)}`;

export function useUnreadSignals(unread: number): void {
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${TITLE}` : TITLE;
    const icon = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (icon) {
      icon.href = unread > 0 ? ICON_WITH_DOT : ICON;
      icon.dataset.unread = String(unread > 0);
    }
  }, [unread]);
  // Signed out: nothing is unread any more.
  useEffect(
    () => () => {
      document.title = TITLE;
      document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.setAttribute('href', ICON);
    },
    [],
  );
}
