/** Requests per second, p99 latency and errors, from two readings of /metrics. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { readMetrics, summarize, type Health, type MetricsReading } from '../../metrics.js';

const EVERY_MS = 3000;

export function HealthPanel() {
  const [health, setHealth] = useState<Health | undefined>();
  const [error, setError] = useState<string | undefined>();
  const previous = useRef<MetricsReading | undefined>();

  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      try {
        const reading = await readMetrics();
        if (stopped) return;
        setHealth(summarize(previous.current, reading));
        previous.current = reading;
        setError(undefined);
      } catch (failure) {
        setError((failure as Error).message);
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  if (error) return <p role="alert">Cannot read /metrics: {error}</p>;
  if (!health) return <p role="status">Reading /metrics…</p>;
  return (
    <dl class="health">
      <div>
        <dt>Requests/s</dt>
        <dd>{health.requestsPerSecond === undefined ? '…' : health.requestsPerSecond.toFixed(1)}</dd>
      </div>
      <div>
        <dt>p99 latency</dt>
        <dd>{health.p99Ms === undefined ? '—' : `≤ ${health.p99Ms} ms`}</dd>
      </div>
      <div>
        <dt>Errors (5xx)</dt>
        <dd>{health.serverErrors}</dd>
      </div>
      <div>
        <dt>Client errors (4xx)</dt>
        <dd>{health.clientErrors}</dd>
      </div>
      <div>
        <dt>Requests in all</dt>
        <dd>{health.requests}</dd>
      </div>
      <div>
        <dt>Database</dt>
        <dd>{health.databaseUp ? 'up' : 'down'}</dd>
      </div>
    </dl>
  );
}
