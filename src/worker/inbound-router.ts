import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { recordAccountEvent } from '../db/repos/events.repo';
import type { InboundEvent } from '../domain/platform-port';

const EVENT_TYPES = { message: 'inbound.message', join: 'member.joined', leave: 'member.left' } as const;

/**
 * Receives every inbound event of every live session. It records each as a domain event; the
 * engagement rules (auto-reply, welcome, anti-spam) plug in here.
 */
export function createInboundRouter({ db, logger }: { db: Knex; logger: Logger }) {
  return (event: InboundEvent): void => {
    void (async () => {
      const { type, accountId, ...data } = event;
      await recordAccountEvent(db, { accountId, type: EVENT_TYPES[type], data });
    })().catch((err) => logger.error({ err, accountId: event.accountId }, 'inbound event not recorded'));
  };
}
