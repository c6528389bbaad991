import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import Router from '@koa/router';
import Koa from 'koa';
import type { ApiDeps, ApiState } from './context';
import { mountDocs } from './docs';
import { errorMiddleware } from './middleware/errors';
import { refuseUnknownMethods } from './middleware/methods';
import { requestId } from './middleware/request-id';
import { requestLog } from './middleware/request-log';
import { httpMetrics } from './middleware/http-metrics';
import { discardUnreadBody } from './middleware/unread-body';
import { corsPolicy } from './middleware/cors';
import { securityHeaders } from './middleware/security-headers';
import { webApp } from './middleware/web-app';
import { RateLimits } from './rate-limits';
import { mountRoutes, type RouteDefinition } from './route';
import { accountLoginRoutes } from './routes/account-login.routes';
import { accountRoutes } from './routes/accounts.routes';
import { adminRoutes } from './routes/admin.routes';
import { sessionRoutes } from './routes/session.routes';
import { broadcastRoutes } from './routes/broadcasts.routes';
import { groupRoutes } from './routes/groups.routes';
import { healthRoutes } from './routes/health.routes';
import { metricsRoutes } from './routes/metrics.routes';
import { limitsRoutes } from './routes/limits.routes';
import { profileRoutes } from './routes/profile.routes';
import { sandboxRoutes } from './routes/sandbox.routes';
import { scanRoutes } from './routes/scan.routes';
import { systemRoutes } from './routes/system.routes';
import { templateRoutes } from './routes/templates.routes';
import { imageRoutes } from './routes/images.routes';
import { autoReplyRoutes } from './routes/auto-replies.routes';
import { antispamRoutes } from './routes/antispam.routes';
import { welcomeMessageRoutes } from './routes/welcome-messages.routes';
import { automationRoutes } from './routes/automation.routes';
import { contactRoutes } from './routes/contacts.routes';
import { abTestRoutes } from './routes/ab-tests.routes';
import { dripCampaignRoutes } from './routes/drip-campaigns.routes';
import { inboundWebhookRoutes } from './routes/inbound-webhooks.routes';
import { webhookRoutes } from './routes/webhooks.routes';
import { analyticsRoutes } from './routes/analytics.routes';
import { reportRoutes } from './routes/reports.routes';

/** Builds the Koa application with every route mounted. */
export function createApp(deps: ApiDeps): Koa<ApiState> {
  // X-Forwarded-* are believed only from as many proxies as AUTOHUB_TRUST_PROXY says are in front.
  const proxies = deps.config.http.trustedProxies;
  const app = new Koa<ApiState>({ proxy: proxies > 0, maxIpsCount: proxies });
  const router = new Router<ApiState>();
  const registry = new OpenAPIRegistry();

  const routes: RouteDefinition[] = [];
  routes.push(
    ...healthRoutes(deps),
    ...metricsRoutes(deps),
    ...systemRoutes(deps, () => routes),
    ...adminRoutes(deps),
    ...sessionRoutes(deps),
    ...accountRoutes(deps),
    ...accountLoginRoutes(deps),
    ...sandboxRoutes(deps),
    ...groupRoutes(deps),
    ...templateRoutes(deps),
    ...imageRoutes(deps),
    ...broadcastRoutes(deps),
    ...limitsRoutes(deps),
    ...scanRoutes(deps),
    ...profileRoutes(deps),
    ...autoReplyRoutes(deps),
    ...antispamRoutes(deps),
    ...welcomeMessageRoutes(deps),
    ...automationRoutes(deps),
    ...contactRoutes(deps),
    ...abTestRoutes(deps),
    ...dripCampaignRoutes(deps),
    // Before the outbound /api/webhooks/:id… routes, so /api/webhooks/inbound/<id> is never read as one of theirs.
    ...inboundWebhookRoutes(deps),
    ...webhookRoutes(deps),
    ...analyticsRoutes(deps),
    ...reportRoutes(deps),
  );
  mountRoutes(router, registry, deps, new RateLimits(deps.db, deps.config.http, deps.logger.child({ module: 'rate-limits' })), routes);
  mountDocs(router, registry, { version: deps.version, publicUrl: deps.config.publicUrl });

  app.use(requestId());
  app.use(requestLog(deps.logger));
  app.use(httpMetrics());
  app.use(corsPolicy(deps.config.http));
  app.use(securityHeaders());
  app.use(discardUnreadBody());
  app.use(errorMiddleware(deps.logger.child({ module: 'api' })));
  app.use(refuseUnknownMethods());
  if (deps.webDist) app.use(webApp(deps.webDist));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  return app;
}
