/**
 * Switchable faults, for people testing their own DevRev clients against Confab. Off
 * unless enabled (CONFAB_FAULTS=1 or `serve --faults`); when off, the header is ignored
 * and /confab.faults.* do not exist (404).
 *
 * - `X-Confab-Fault: <status>[; retry_after=<s>][; delay_ms=<ms>]` (or only
 *   `delay_ms=<ms>`) fails or slows down that one request;
 * - `/confab.faults.set|clear|list` (admin tokens) hold rules that fail the next N calls,
 *   or a fraction of calls, of an operation. Rules live in this process's memory.
 *
 * An injected failure is the real one's error, so it gets the same body and headers.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BadRequest,
  Forbidden,
  InjectedInternalError,
  ServiceUnavailable,
  TooManyRequests,
  type DomainError,
} from '../domain/errors.js';
import type { Principal } from '../model/index.js';
import { FAULT_STATUSES, MAX_FAULT_DELAY_MS, MAX_RETRY_AFTER_SECONDS, type FaultRule } from '../schema/faults.js';
import type { Store } from '../store/index.js';
import { operation } from './operation.js';

export const FAULT_HEADER = 'x-confab-fault';

interface Fault {
  status?: number;
  retryAfter?: number;
  delayMs?: number;
}

export function registerFaults(app: FastifyInstance, store: Store): void {
  let rules: FaultRule[] = [];

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (path === '/health' || path.startsWith('/confab.faults.')) return;
    const header = request.headers[FAULT_HEADER];
    const fault = header !== undefined ? parseFaultHeader(header) : takeRule(rules, path.slice(1));
    if (fault) await inject(fault, request, reply);
  });

  const adminOnly = (principal: Principal) => {
    if (!principal.user.isAdmin) throw new Forbidden('only admins may change or read fault rules');
  };
  operation(app, store, {
    name: 'confab.faults.set',
    async handle({ principal }, body) {
      adminOnly(principal);
      body.rules.forEach((rule, index) => {
        if (rule.status === undefined && rule.delay_ms === undefined) {
          throw BadRequest.missingField(`rules[${index}].status`);
        }
      });
      rules = body.rules.map((rule) => ({ ...rule }));
      return { rules };
    },
  });
  operation(app, store, {
    name: 'confab.faults.clear',
    async handle({ principal }) {
      adminOnly(principal);
      rules = [];
      return { rules };
    },
  });
  operation(app, store, {
    name: 'confab.faults.list',
    get: true,
    async handle({ principal }) {
      adminOnly(principal);
      return { rules };
    },
  });
}

/** The first rule for this operation (or `*`) that fires; a counted rule is used up. */
function takeRule(rules: FaultRule[], operationName: string): Fault | undefined {
  for (const [index, rule] of rules.entries()) {
    if (rule.operation !== '*' && rule.operation !== operationName) continue;
    if (rule.rate !== undefined && Math.random() >= rule.rate) continue;
    if (rule.count !== undefined) {
      rule.count -= 1;
      if (rule.count === 0) rules.splice(index, 1);
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
