import { z } from 'zod';
import { ServiceUnavailableError } from '../../errors';
import { checkReadiness, databaseCheck, migrationsCheck, notReadyMessage, temporalCheck } from '../../services/health';
import type { ApiDeps } from '../context';
import { success } from '../responses';
import { ok, publicRoute } from '../route';

const HealthResponses = {
  alive: success({ status: z.literal('alive') }),
  ready: success({ status: z.literal('ready'), checks: z.record(z.string(), z.literal('ok')) }),
};

/**
 * Probes for orchestrators and load balancers, without an API key: `/healthz` answers while the
 * process runs, `/readyz` only while PostgreSQL and Temporal answer and the schema is current.
 */
export function healthRoutes({ db, temporal }: ApiDeps) {
  const checks = { database: databaseCheck(db), migrations: migrationsCheck(db), temporal: temporalCheck(temporal.connection) };
  return [
    publicRoute({
      method: 'get',
      path: '/healthz',
      summary: 'Liveness: answers 200 while the process runs, whatever its dependencies do',
      tag: 'System',
      unlimited: true,
      operationId: 'getLiveness',
      responses: { 200: HealthResponses.alive },
      handler: () => ok({ status: 'alive' }),
    }),
    publicRoute({
      method: 'get',
      path: '/readyz',
      summary: 'Readiness: 200 while PostgreSQL and Temporal answer and every migration is applied; 503 naming each failing check otherwise',
      tag: 'System',
      unlimited: true,
      operationId: 'getReadiness',
      responses: { 200: HealthResponses.ready },
      errors: [503],
      handler: async () => {
        const readiness = await checkReadiness(checks);
        if (!readiness.ready) throw new ServiceUnavailableError(notReadyMessage(readiness));
        return ok({ status: 'ready', checks: readiness.checks });
      },
    }),
  ];
}
