/**
 * The code under test in this example: a small client a project might write against
 * DevRev's API (https://api.devrev.ai). Its tests point it at a Confab emulator instead.
 */
export class DevRevError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export class SupportChats {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** The default DM between the caller and `userId`, created on first use. */
  async openDm(selfId: string, userId: string): Promise<{ id: string; display_id: string; title?: string }> {
    const { chat } = await this.post('chats.create', { type: 'dm', users: [selfId, userId], get_if_conflict: true });
    return chat;
  }

  async rename(chatId: string, title: string): Promise<string | undefined> {
    const { chat } = await this.post('chats.update', { id: chatId, title });
    return chat.title;
  }

  async whoAmI(): Promise<string> {
    const { dev_user } = await this.post('dev-users.self', {});
    return dev_user.display_id;
  }

  private async post(operation: string, body: object): Promise<any> {
    const response = await fetch(`${this.baseUrl}/${operation}`, {
      method: 'POST',
      headers: { authorization: this.token, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const payload = await response.json();
    if (!response.ok) throw new DevRevError(response.status, payload.type, payload.message);
    return payload;
  }
}
