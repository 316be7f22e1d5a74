/**
 * Switchable faults, for people testing their own DevRev clients against Confab. Off
 * unless enabled (CONFAB_FAULTS=1 or `serve --faults`); when off, the header is ignored
 * and /confab.faults.* do not exist (404).
 *
 * - `X-Confab-Fault: <status>[; retry_after=<s>][; delay_ms=<ms>]` (or only
 *   `delay_ms=<ms>`) fails or slows down that one request;
 * - `/confab.faults.set|clear|list` (admin tokens) hold rules that fail the next N calls,
 *   or a fraction of calls, of an operation. Rules belong to the admin's organization and
 *   apply to its callers only; they live in the database, so every process shares them.
 *
 * Both act only on authenticated callers: without a valid token there is no fault, so no
 * one can slow a server down on demand without an account on it.
 *
 * An injected failure is the real one's error, so it gets the same body and headers.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BadRequest,
  DomainError,
  InjectedInternalError,
  ServiceUnavailable,
  TooManyRequests,
} from '../domain/errors.js';
import { now, type Principal } from '../model/index.js';
import { requireAdmin } from '../domain/policy/access.js';
import { authenticate } from '../domain/tokens.js';
import { FAULT_STATUSES, MAX_FAULT_DELAY_MS, MAX_RETRY_AFTER_SECONDS, type FaultRule } from '../schema/faults.js';
import type { Store } from '../store/index.js';
import { operation } from './operation.js';
import { requestStore } from './request-store.js';

export const FAULT_HEADER = 'x-confab-fault';

interface Fault {
  status?: number;
  retryAfter?: number;
  delayMs?: number;
}

export function registerFaults(app: FastifyInstance, store: Store): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (path === '/health' || path.startsWith('/confab.faults.')) return;
    const principal = await callerOf(store, request);
    if (!principal) return;
    const header = request.headers[FAULT_HEADER];
    const fault = header !== undefined ? parseFaultHeader(header) : await takeRule(store, principal.org.id, path.slice(1));
    if (fault) await inject(fault, request, reply);
  });

  const adminOnly = (principal: Principal) => requireAdmin(principal, 'change or read fault rules');
  operation(app, store, {
    name: 'confab.faults.set',
    async handle({ store, principal }, body) {
      adminOnly(principal);
      body.rules.forEach((rule, index) => {
        if (rule.status === undefined && rule.delay_ms === undefined) {
          throw BadRequest.missingField(`rules[${index}].status`);
        }
      });
      const rules = body.rules.map((rule) => ({ ...rule }));
      await store.faultRules.set(principal.org.id, rules, now());
      return { rules };
    },
  });
  operation(app, store, {
    name: 'confab.faults.clear',
    async handle({ store, principal }) {
      adminOnly(principal);
      await store.faultRules.set(principal.org.id, [], now());
      return { rules: [] };
    },
  });
  operation(app, store, {
    name: 'confab.faults.list',
    get: true,
    async handle({ store, principal }) {
      adminOnly(principal);
      return { rules: await store.faultRules.get<FaultRule>(principal.org.id) };
    },
  });
}

/** The caller if the request carries a valid token (kept for the route), else undefined. */
async function callerOf(store: Store, request: FastifyRequest): Promise<Principal | undefined> {
  if (request.principal) return request.principal;
  if (!request.headers.authorization) return undefined;
  try {
    request.principal = await authenticate(requestStore(request, store), request.headers.authorization);
    return request.principal;
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}

/** The first of the org's rules for this operation (or `*`) that fires; a counted rule is used up. */
async function takeRule(store: Store, orgId: number, operationName: string): Promise<Fault | undefined> {
  const rules = await store.faultRules.get<FaultRule>(orgId);
  if (rules.length === 0) return undefined;
  for (const rule of rules) {
    if (rule.operation !== '*' && rule.operation !== operationName) continue;
    if (rule.rate !== undefined && Math.random() >= rule.rate) continue;
    if (rule.count !== undefined) {
      // Counted down in a transaction, so that processes sharing the rule share its count.
      const fired = await store.transaction(async (tx) => {
        const current = await tx.faultRules.get<FaultRule>(orgId);
        const same = current.findIndex((candidate) => JSON.stringify(candidate) === JSON.stringify(rule));
        if (same < 0) return false;
        const left = current[same]!.count! - 1;
        if (left === 0) current.splice(same, 1);
        else current[same] = { ...current[same]!, count: left };
        await tx.faultRules.set(orgId, current, now());
        return true;
      });
      if (!fired) continue;
    }
    return { status: rule.status, retryAfter: rule.retry_after, delayMs: rule.delay_ms };
  }
  return undefined;
}

async function inject(fault: Fault, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (fault.delayMs) await sleep(fault.delayMs);
  if (fault.status === undefined) return;
  request.log.info({ fault }, 'injecting a fault');
  throw faultError(fault.status, fault.retryAfter ?? 1, reply);
}

function faultError(status: number, retryAfter: number, reply: FastifyReply): DomainError {
  switch (status) {
    case 429:
      // What a client sees from the real limiter: nothing left until the retry.
      reply.header('x-ratelimit-remaining', 0);
      reply.header('x-ratelimit-reset', retryAfter);
      return new TooManyRequests(`injected fault: rate limit exceeded; retry in ${retryAfter}s`, retryAfter);
    case 503:
      return new ServiceUnavailable('injected fault: the service is unavailable; retry later', retryAfter);
    default:
      return new InjectedInternalError('injected fault');
  }
}

/** `429; retry_after=3; delay_ms=200`, or `delay_ms=200` alone. */
export function parseFaultHeader(header: string | string[]): Fault {
  const invalid = (why: string) =>
    new BadRequest(
      'bad_request',
      `X-Confab-Fault: ${why}; use "<status>[; retry_after=<s>][; delay_ms=<ms>]" with a status of ${FAULT_STATUSES.join(', ')}`,
    );
  if (Array.isArray(header)) throw invalid('send the header once');
  const fault: Fault = {};
  for (const [position, part] of header.split(';').map((item) => item.trim()).entries()) {
    if (position === 0 && /^\d+$/.test(part)) {
      const status = Number(part);
      if (!(FAULT_STATUSES as readonly number[]).includes(status)) throw invalid(`${status} is not an injectable status`);
      fault.status = status;
      continue;
    }
    const match = /^(retry_after|delay_ms)\s*=\s*(\d{1,9})$/.exec(part);
    if (!match) throw invalid(`'${part.slice(0, 64)}' is not understood`);
    const value = Number(match[2]);
    if (match[1] === 'retry_after') {
      if (value < 1 || value > MAX_RETRY_AFTER_SECONDS) throw invalid(`retry_after must be 1 to ${MAX_RETRY_AFTER_SECONDS}`);
      fault.retryAfter = value;
    } else {
      if (value > MAX_FAULT_DELAY_MS) throw invalid(`delay_ms must be at most ${MAX_FAULT_DELAY_MS}`);
      fault.delayMs = value;
    }
  }
  if (fault.status === undefined && fault.delayMs === undefined) throw invalid('give a status or a delay_ms');
  return fault;
}
