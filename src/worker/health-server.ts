import { createServer } from 'node:http';
import { MetricsTokenError } from '../errors';
import type { AddressInfo } from 'node:net';
import { checkReadiness, notReadyMessage, type ReadinessCheck } from '../services/health';
import { mayReadMetrics, metricsPage } from '../services/metrics-exposition';

/** The worker's probe server: where it listens, and how to stop it. */
export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

const PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The worker role's probes on `port` (WORKER_HTTP_PORT), answered as the API's are: `GET /healthz`
 * 200 while the process runs; `GET /readyz` 200 with each check `ok`, or 503 `{"error": …}` naming
 * each failing check; `GET /metrics` the process's metrics (behind `metricsToken` when set).
 * Anything else answers 404 or 405.
 */
export async function startHealthServer(
  port: number,
  host: string,
  checks: Record<string, ReadinessCheck>,
  metricsToken: string | undefined,
): Promise<HealthServer> {
  const server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (!PATHS.has(path!)) return answer(404, { error: 'not found' });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return answer(405, { error: 'method not allowed' });
    }
    if (path === '/healthz') return answer(200, { success: true, status: 'alive' });
    if (path === '/metrics') {
      if (!mayReadMetrics(metricsToken, req.headers.authorization)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        return answer(401, { error: new MetricsTokenError().message });
      }
      metricsPage().then(
        (page) => res.writeHead(200, { 'Content-Type': page.contentType }).end(page.text),
        () => answer(500, { error: 'internal error' }),
      );
      return;
    }
    checkReadiness(checks).then(
      (readiness) => (readiness.ready ? answer(200, { success: true, status: 'ready', checks: readiness.checks }) : answer(503, { error: notReadyMessage(readiness) })),
      () => answer(500, { error: 'internal error' }),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject).listen(port, host));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
