export interface OwnPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  dir: string;
  /** `pg_ctl stop -m fast`, a pause, then start again. */
  restartFast(pauseMs?: number): Promise<void>;
  /** SIGKILL to the postmaster, a pause, then start again (once the old backends are gone). */
  killAndRestart(pauseMs?: number): Promise<void>;
  /** Stops the server however it can and removes its directory. */
  destroy(): Promise<void>;
}

/** The newest PostgreSQL installed, e.g. /usr/lib/postgresql/16/bin. */
export function postgresBinDir(): string;
export function startOwnPostgres(): Promise<OwnPostgres>;
