import assert from 'node:assert/strict';
import { checkReadiness, notReadyMessage } from '../../../src/services/health';

describe('readiness checks', () => {
  it('is ready when every check resolves, and says ok for each', async () => {
    const readiness = await checkReadiness({ database: async () => {}, temporal: async () => {} });
    assert.deepEqual(readiness, { ready: true, checks: { database: 'ok', temporal: 'ok' } });
  });

  it('is not ready when a check rejects or hangs past the timeout, naming each failing check and why', async () => {
    const readiness = await checkReadiness(
      {
        database: async () => {},
        migrations: async () => {
          throw new Error('2 migrations pending');
        },
        temporal: () => new Promise<void>(() => {}),
      },
      50,
    );
    assert.equal(readiness.ready, false);
    assert.deepEqual(readiness.checks, { database: 'ok', migrations: '2 migrations pending', temporal: 'no answer within 50 ms' });
    assert.equal(notReadyMessage(readiness), 'not ready: migrations: 2 migrations pending; temporal: no answer within 50 ms');
  });
});
