/** The code under test: opens an escalation chat with a customer and says hello. */
export async function escalate(baseUrl, token, agent, customer) {
  const call = async (operation, body) => {
    const response = await fetch(`${baseUrl}/${operation}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${operation}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const { chat } = await call('chats.create', { type: 'dm', users: [agent, customer], title: 'Escalation', is_default: false });
  await call('timeline-entries.create', { object: chat.id, type: 'timeline_comment', body: 'Hello, how can we help?' });
  return chat.id;
}
