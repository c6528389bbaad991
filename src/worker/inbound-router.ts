import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { InboundListener } from '../domain/platform-port';
import { receiveInboundEvent, type ReceiveOptions } from '../services/inbound-events';

/**
 * Receives every inbound event of every live session and hands it to the durable pipeline
 * (`receiveInboundEvent`: stored once, its workflow enqueued, held back by `handoverDelayMs`).
 * `onStored` is told of each new event: the worker acts on it (or, without a delay, kicks the
 * outbox so the workflow start goes out at once). A failure to store rejects, so a driver that can
 * redeliver (the sandbox) delivers the event again.
 */
export function createInboundRouter(options: ReceiveOptions & { db: Knex; logger: Logger; onStored: (eventId: number) => void }): InboundListener {
  const { db, logger, onStored } = options;
  return async (event) => {
    try {
      const id = await receiveInboundEvent(db, options, event);
      if (id !== undefined) onStored(id);
    } catch (err) {
      logger.error({ err, accountId: event.accountId, type: event.type }, 'inbound event not stored');
      throw err;
    }
  };
}
