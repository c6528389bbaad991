import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('has embedded defaults when the environment is empty', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.home, path.resolve('.autohub'));
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.temporal.address, undefined);
    assert.equal(config.temporal.uiUrl, 'http://localhost:8233');
    assert.equal(config.sandbox, true);
    assert.deepEqual(config.workerShards, [0]);
    assert.equal(config.uploadDir, path.resolve('.autohub/uploads'));
    assert.deepEqual(config.imageFetch, { timeoutSeconds: 15, allowPrivate: false });
  });

  it('reads the image URL settings', () => {
    const config = loadConfig({ IMAGE_FETCH_TIMEOUT_SECONDS: '3.5', IMAGE_URL_ALLOW_PRIVATE: 'true' });
    assert.deepEqual(config.imageFetch, { timeoutSeconds: 3.5, allowPrivate: true });
    assert.throws(() => loadConfig({ IMAGE_FETCH_TIMEOUT_SECONDS: '0' }), ConfigError);
  });

  it('serves every shard by default and only the listed ones when WORKER_SHARDS is set', () => {
    assert.deepEqual(loadConfig({ SESSION_SHARDS: '3' }).workerShards, [0, 1, 2]);
    assert.deepEqual(loadConfig({ SESSION_SHARDS: '3', WORKER_SHARDS: '2,0' }).workerShards, [2, 0]);
  });

  it('lists every invalid setting at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', AUTOHUB_SANDBOX: 'maybe', AUTOHUB_SECRET_KEY: 'short' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 3);
        assert.match(err.message, /PORT/);
        assert.match(err.message, /AUTOHUB_SANDBOX/);
        assert.match(err.message, /AUTOHUB_SECRET_KEY: must be 64 hex characters/);
        return true;
      },
    );
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ TELEGRAM_API_ID: '', DATABASE_URL: '', PORT: '' });
    assert.equal(config.telegram.apiId, undefined);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.port, 3000);
  });

  it('rejects worker shards beyond SESSION_SHARDS', () => {
    assert.throws(() => loadConfig({ SESSION_SHARDS: '2', WORKER_SHARDS: '0,2' }), /WORKER_SHARDS: shards 2/);
  });
});
