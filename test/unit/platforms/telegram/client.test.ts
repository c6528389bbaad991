import assert from 'node:assert/strict';
import { TelegramClient } from 'telegram';
import { StringSession } from 'telegram/sessions';
import { createGramClient, requireCredentials, type TelegramLogger } from '../../../../src/platforms/telegram/client';
import { isPlatformError } from '../../../../src/domain/platform-port';

function recordingLogger(lines: string[]): TelegramLogger {
  const record = (level: string) => (_: unknown, message?: string) => {
    lines.push(`${level}:${message}`);
  };
  return { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') } as unknown as TelegramLogger;
}

describe('createGramClient', () => {
  it('builds a real, unconnected TelegramClient with the given flood-sleep threshold', async () => {
    const client = createGramClient({ session: new StringSession(''), apiId: 1, apiHash: 'hash', floodSleepThreshold: 3 });
    assert.ok(client instanceof TelegramClient);
    assert.equal(client.floodSleepThreshold, 3);
    assert.ok(!client.connected);
    await client.destroy();
  });

  it("sends GramJS's log lines to our logger instead of stdout", async () => {
    const lines: string[] = [];
    const client = createGramClient({ session: new StringSession(''), apiId: 1, apiHash: 'hash', floodSleepThreshold: 3, logger: recordingLogger(lines) });
    assert.ok(client instanceof TelegramClient);
    client.logger.info('connecting');
    client.logger.warn('slow');
    client.logger.error('broken');
    assert.deepEqual(lines.slice(-3), ['debug:connecting', 'warn:slow', 'warn:broken']);
    await client.destroy();
  });
});

describe('requireCredentials', () => {
  it('returns complete credentials and names each missing one', () => {
    assert.deepEqual(requireCredentials({ apiId: 7, apiHash: 'h' }), { apiId: 7, apiHash: 'h' });
    assert.throws(() => requireCredentials({ apiId: undefined, apiHash: 'h' }), (err) => isPlatformError(err, 'invalid') && /apiId missing/.test(err.message));
    assert.throws(() => requireCredentials({ apiId: 0, apiHash: ' ' }), (err) => isPlatformError(err, 'invalid') && /apiId and apiHash missing/.test(err.message));
  });
});
