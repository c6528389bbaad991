import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { InboundListener } from '../domain/platform-port';
import { receiveInboundEvent } from '../services/inbound-events';

/**
 * Receives every inbound event of every live session and hands it to the durable pipeline
 * (`receiveInboundEvent`: stored once, its workflow enqueued). `onStored` is told of each new
 * event, so the workflow start goes out at once rather than on the outbox's next sweep. A failure
 * to store rejects, so a driver that can redeliver (the sandbox) delivers the event again.
 */
export function createInboundRouter(options: {
  db: Knex;
  logger: Logger;
  namespace: string;
  sessionShards: number;
  onStored: () => void;
}): InboundListener {
  const { db, logger, onStored } = options;
  return async (event) => {
    try {
      const id = await receiveInboundEvent(db, options, event);
      if (id !== undefined) onStored();
    } catch (err) {
      logger.error({ err, accountId: event.accountId, type: event.type }, 'inbound event not stored');
      throw err;
    }
  };
}
