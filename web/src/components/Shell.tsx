/**
 * The signed-in console's frame: the top bar, the error bar, the section, and what works
 * across sections — the chat list's unread count in the tab's title and favicon, desktop
 * notifications, keyboard shortcuts.
 */
import { useState } from 'preact/hooks';
import { useConsole } from '../context.js';
import { useChats } from '../hooks/useChats.js';
import { useNotifications } from '../hooks/useNotifications.js';
import type { Route } from '../hooks/useRoute.js';
import { useShortcuts } from '../hooks/useShortcuts.js';
import { useUnreadSignals } from '../hooks/useUnreadSignals.js';
import { isCustomer } from '../identity.js';
import type { ShownError } from '../session.js';
import { ChatsPage } from './ChatsPage.js';
import { ErrorBanner } from './ErrorBanner.js';
import { InspectPage } from './inspect/InspectPage.js';
import { JumpToChat } from './JumpToChat.js';
import { ShortcutsSheet } from './ShortcutsSheet.js';
import { SupportPage } from './support/SupportPage.js';
import { TopBar } from './TopBar.js';

export function Shell({ route, errors, onDismiss }: { route: Route; errors: ShownError[]; onDismiss(): void }) {
  // A customer's console is Support alone: their conversations with the organization.
  const support = isCustomer(useConsole().self) || route.section === 'support';
  const openChatId = route.section === 'chats' ? route.chatId : undefined;
  const chats = useChats(openChatId);
  useUnreadSignals(chats.rows.reduce((sum, row) => sum + row.unread, 0));
  const notifications = useNotifications(chats.rows, openChatId);
  const [sheet, setSheet] = useState<'jump' | 'shortcuts' | undefined>();
  useShortcuts({ rows: chats.rows, openChatId, onJump: () => setSheet('jump'), onHelp: () => setSheet('shortcuts') });

  return (
    <div class="shell">
      <TopBar route={route} notifications={notifications} onShortcuts={() => setSheet('shortcuts')} />
      <ErrorBanner errors={errors} onDismiss={onDismiss} />
      {support ? (
        <SupportPage openConversationId={route.conversationId} />
      ) : route.section === 'inspect' ? (
        <InspectPage tab={route.tab} />
      ) : (
        <ChatsPage chats={chats} openChatId={route.chatId} target={route.target} />
      )}
      {sheet === 'jump' && <JumpToChat rows={chats.rows} onClose={() => setSheet(undefined)} />}
      {sheet === 'shortcuts' && <ShortcutsSheet onClose={() => setSheet(undefined)} />}
    </div>
  );
}
