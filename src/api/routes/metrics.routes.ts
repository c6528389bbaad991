import { MetricsTokenError } from '../../errors';
import { mayReadMetrics, metricsPage } from '../../services/metrics-exposition';
import type { ApiDeps } from '../context';
import { PrometheusText } from '../openapi';
import { publicRoute } from '../route';

/** Prometheus's scrape target, without an API key: open, or behind the bearer token METRICS_TOKEN sets. */
export function metricsRoutes({ config }: ApiDeps) {
  return [
    publicRoute({
      method: 'get',
      path: '/metrics',
      summary:
        "This process's metrics in the Prometheus text format: requests, sends, accounts, inbound events, webhooks, the outbox, sessions and shard leases, Node's own, and the Temporal SDK's; needs `Authorization: Bearer <METRICS_TOKEN>` when that is set",
      tag: 'System',
      unlimited: true,
      operationId: 'getMetrics',
      responses: { 200: PrometheusText },
      errors: [401],
      handler: async ({ ctx }) => {
        if (!mayReadMetrics(config.metricsToken, ctx.get('authorization'))) {
          ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
          throw new MetricsTokenError();
        }
        const page = await metricsPage();
        ctx.type = page.contentType;
        return { status: 200, body: page.text };
      },
    }),
  ];
}
