/**
 * `confab serve`'s logger: one readable line per event on a terminal, JSON lines anywhere
 * else (a file, a pipe, a log collector) or whenever LOG_FORMAT=json asks for them.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

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
    pretty({ colorize: !!process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true, sync: true }),
  );
}
