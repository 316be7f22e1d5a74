/** A PostgreSQL server of a test's own (see soak/own-postgres.js, which the soak shares). */
export { postgresBinDir, startOwnPostgres, type OwnPostgres } from '../../soak/own-postgres.js';
