/**
 * One client must not take every connection. Sockets are capped per peer address as they
 * arrive, before a byte is read, so that a hundred sockets trickling headers from one
 * address leave room for everyone else (MAX_CONNECTIONS_PER_IP).
 *
 * Behind a trusted proxy every socket comes from the proxy, which carries many clients:
 * capping its address would cap all of them together. Its sockets are bounded by the total
 * cap (MAX_CONNECTIONS) and the headers timeout instead, and the per-client cap moves to
 * where the client is known: requests in flight per forwarded client address (request.ip).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { TrustProxy } from '../config.js';
import { TooManyRequests } from '../domain/errors.js';
import { Holdings } from './holdings.js';
import { proxyMatcher } from './trust-proxy.js';

export function registerConnectionCaps(app: FastifyInstance, maxPerClient: number, trustProxy: TrustProxy): void {
  if (maxPerClient <= 0) return;
  capSocketsPerAddress(app.server, maxPerClient, proxyMatcher(trustProxy));
  if (trustProxy !== false) capRequestsInFlightPerClient(app, maxPerClient);
}

function capSocketsPerAddress(server: Server, max: number, isProxy: (address: string) => boolean): void {
  const open = new Holdings();
  // Node's own listener has already run; a socket destroyed here never reaches Fastify.
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || isProxy(address)) return;
    if (!open.take(address, max)) {
      socket.destroy();
      return;
    }
    socket.once('close', () => open.give(address));
  });
}

function capRequestsInFlightPerClient(app: FastifyInstance, max: number): void {
  const inFlight = new Holdings();
  app.addHook('onRequest', (request, reply, done) => {
    // A load balancer's health check is never turned away (as with the rate limit).
    if (request.url === '/health') return done();
    const client = request.ip;
    if (!inFlight.take(client, max)) {
      return done(new TooManyRequests(`this client already has ${max} requests in flight; retry when one has finished`, 1));
    }
    // 'close' comes once a response is sent, or its connection lost: event streams included.
    reply.raw.once('close', () => inFlight.give(client));
    done();
  });
}
