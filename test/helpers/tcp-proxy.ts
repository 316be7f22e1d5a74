/**
 * A TCP proxy between Confab and PostgreSQL that a test can cut and restore (an outage of
 * the database as Confab sees it), or freeze (a dropped network: connections stay open and
 * nothing gets through), without touching the machine's real PostgreSQL.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Drops every open connection and turns new ones away until `restore()`. */
  cut(): void;
  restore(): void;
  /** Bytes stop flowing both ways on every connection, open or new, until `thaw()`; nothing is closed. */
  freeze(): void;
  thaw(): void;
  /** Connections clients have opened through the proxy so far. */
  connectionsOpened(): number;
  /** Client connections still open. */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let up = true;
  let frozen = false;
  let opened = 0;
  const open = new Set<Socket>();
  const clients = new Set<Socket>();
  const server = createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    opened++;
    clients.add(client);
    client.on('close', () => clients.delete(client));
    const upstream = createConnection({ host: targetHost, port: targetPort });
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      // A cut connection errors on both sides; that is the point, not a test failure.
      socket.on('error', () => undefined);
    }
    // Forwarded by hand rather than piped, so that a frozen proxy can drop what arrives.
    client.on('data', (data) => void (frozen || upstream.write(data)));
    upstream.on('data', (data) => void (frozen || client.write(data)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    cut() {
      up = false;
      for (const socket of open) socket.destroy();
    },
    restore() {
      up = true;
    },
    freeze() {
      frozen = true;
    },
    thaw() {
      // Connections that lost bytes while frozen are useless now: Confab must have dropped them.
      frozen = false;
    },
    connectionsOpened: () => opened,
    openConnections: () => clients.size,
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
