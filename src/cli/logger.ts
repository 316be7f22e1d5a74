/**
 * `confab serve`'s logger: one readable line per event on a terminal, JSON lines anywhere
 * else (a file, a pipe, a log collector) or whenever LOG_FORMAT=json asks for them.
 */
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

/** Loaded only for a terminal: ~10 ms of every start where the lines are JSON (a service, a pipe). */
const loadPretty = () => createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;

export type LogFormat = 'pretty' | 'json';

export function chooseLogFormat(env: NodeJS.ProcessEnv = process.env, isTty = !!process.stdout.isTTY): LogFormat {
  if (env.LOG_FORMAT === 'json') return 'json';
  if (env.LOG_FORMAT === 'pretty') return 'pretty';
  return isTty ? 'pretty' : 'json';
}

export function createLogger(level: string, format: LogFormat = chooseLogFormat()): Logger {
  if (format === 'json') return pino({ level });
  // Synchronous and in-process: a worker-thread transport would outlive a crash's last lines.
  return pino(
    { level },
    loadPretty()({
      colorize: !!process.stdout.isTTY,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,req,res,responseTime,reqId',
      singleLine: true,
      sync: true,
      messageFormat: formatMessage,
    }),
  );
}

interface RequestLine {
  msg?: string;
  reqId?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
}

/** A request's line reads `GET /chats.get → 200 in 3 ms (req 1f2e…)`; other lines keep their message. */
function formatMessage(log: Record<string, unknown>, messageKey: string): string {
  const line = log as RequestLine;
  const message = String(log[messageKey] ?? '');
  if (!line.req) return line.reqId ? `${message} (req ${line.reqId})` : message;
  const took = line.responseTime === undefined ? '' : ` in ${Math.round(line.responseTime)} ms`;
  return `${line.req.method} ${line.req.url} → ${line.res?.statusCode ?? '…'}${took}${line.reqId ? ` (req ${line.reqId})` : ''}`;
}
