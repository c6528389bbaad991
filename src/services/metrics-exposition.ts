import { createHash, timingSafeEqual } from 'node:crypto';
import { registry } from '../metrics';
import { temporalMetricsText } from '../temporal/runtime';

/** What a `/metrics` request answers: the content type and the text. */
export interface MetricsPage {
  contentType: string;
  text: string;
}

/** This process's metrics — AutoHub's, then the Temporal SDK's — in the Prometheus text format. */
export async function metricsPage(): Promise<MetricsPage> {
  const [own, temporal] = await Promise.all([registry.metrics(), temporalMetricsText()]);
  return { contentType: registry.contentType, text: temporal ? `${own}\n${temporal}` : own };
}

/**
 * Whether a request with `authorization` (its header) may read the metrics: always without a
 * token; with one, only as `Bearer <token>`, compared in constant time.
 */
export function mayReadMetrics(token: string | undefined, authorization: string | undefined): boolean {
  if (token === undefined) return true;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}
