/**
 * `/metrics` is Prometheus text, not a DevRev operation, so the typed client has no call
 * for it: this reads it and sums what the health panel shows.
 */
export interface MetricsReading {
  at: number;
  requests: number;
  clientErrors: number;
  serverErrors: number;
  /** Cumulative latency buckets: upper bound in seconds → count. */
  buckets: Map<number, number>;
  databaseUp: boolean;
}

export interface Health {
  requests: number;
  clientErrors: number;
  serverErrors: number;
  requestsPerSecond?: number;
  p99Ms?: number;
  databaseUp: boolean;
}

export async function readMetrics(): Promise<MetricsReading> {
  const response = await window.fetch('/metrics');
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return parseMetrics(await response.text(), Date.now());
}

export function parseMetrics(text: string, at: number): MetricsReading {
  const reading: MetricsReading = { at, requests: 0, clientErrors: 0, serverErrors: 0, buckets: new Map(), databaseUp: false };
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const match = /^([a-z_]+)(?:\{(.*)\})? ([0-9.eE+-]+|NaN|\+Inf)$/.exec(line);
    if (!match) continue;
    const [, name, labels = '', raw] = match;
    const value = Number(raw);
    if (name === 'confab_http_requests_total') {
      reading.requests += value;
      const status = /status="(\d+)"/.exec(labels)?.[1] ?? '';
      if (status.startsWith('4')) reading.clientErrors += value;
      if (status.startsWith('5')) reading.serverErrors += value;
    } else if (name === 'confab_http_request_duration_seconds_bucket') {
      const le = /le="([^"]+)"/.exec(labels)?.[1];
      const bound = le === '+Inf' ? Infinity : Number(le);
      reading.buckets.set(bound, (reading.buckets.get(bound) ?? 0) + value);
    } else if (name === 'confab_database_up') {
      reading.databaseUp = value === 1;
    }
  }
  return reading;
}

/** Rates between two readings; p99 is the smallest bucket bound holding 99% of the requests in between. */
export function summarize(previous: MetricsReading | undefined, current: MetricsReading): Health {
  const health: Health = {
    requests: current.requests,
    clientErrors: current.clientErrors,
    serverErrors: current.serverErrors,
    databaseUp: current.databaseUp,
  };
  const base = previous ?? { at: current.at, requests: 0, buckets: new Map<number, number>() };
  if (previous) health.requestsPerSecond = (current.requests - previous.requests) / Math.max(0.001, (current.at - previous.at) / 1000);
  const bounds = [...current.buckets.keys()].sort((a, b) => a - b);
  const total = (current.buckets.get(Infinity) ?? 0) - (base.buckets.get(Infinity) ?? 0);
  if (total > 0) {
    for (const bound of bounds) {
      const count = (current.buckets.get(bound) ?? 0) - (base.buckets.get(bound) ?? 0);
      if (count >= total * 0.99) {
        if (Number.isFinite(bound)) health.p99Ms = Math.round(bound * 1000);
        break;
      }
    }
  }
  return health;
}
