import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('reads how the API meets its clients: proxies believed, CORS origins, rate limits', () => {
    assert.deepEqual(loadConfig({}).http, { trustedProxies: 0, corsOrigins: undefined, rateLimitPerKey: 1200, rateLimitPerIp: 600 });
    assert.equal(loadConfig({ AUTOHUB_TRUST_PROXY: 'true' }).http.trustedProxies, 1);
    assert.equal(loadConfig({ AUTOHUB_TRUST_PROXY: '2' }).http.trustedProxies, 2);
    assert.equal(loadConfig({ AUTOHUB_CORS_ORIGINS: '*' }).http.corsOrigins, '*');
    assert.deepEqual(loadConfig({ AUTOHUB_CORS_ORIGINS: 'https://a.example,http://localhost:5173' }).http.corsOrigins, ['https://a.example', 'http://localhost:5173']);
    assert.equal(loadConfig({ AUTOHUB_RATE_LIMIT_PER_MINUTE: '0' }).http.rateLimitPerKey, 0);
    for (const env of [
      { AUTOHUB_TRUST_PROXY: 'yes' },
      { AUTOHUB_TRUST_PROXY: '0' },
      { AUTOHUB_CORS_ORIGINS: 'a.example' },
      { AUTOHUB_CORS_ORIGINS: 'https://a.example, https://b.example' },
      { AUTOHUB_RATE_LIMIT_PER_MINUTE: '-1' },
      { AUTOHUB_RATE_LIMIT_IP_PER_MINUTE: '1.5' },
    ]) {
      assert.throws(() => loadConfig(env), (err: ConfigError) => err.problems.some((p) => p.startsWith(Object.keys(env)[0]!)), JSON.stringify(env));
    }
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

  it('requires AUTOHUB_SECRET_KEY with an external database, naming it', () => {
    assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://db/autohub' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /AUTOHUB_SECRET_KEY: required with DATABASE_URL/);
      return true;
    });
    const key = 'a'.repeat(64);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://db/autohub', AUTOHUB_SECRET_KEY: key }).secretKey, key);
    assert.equal(loadConfig({}).secretKey, undefined, 'the embedded mode generates its key');
  });

  describe('Temporal TLS and API key', () => {
    let dir: string;
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const file = (name: string, content = pem) => {
      const at = path.join(dir, name);
      writeFileSync(at, content);
      return at;
    };
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'autohub-tls-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const external = { TEMPORAL_ADDRESS: 'temporal.example:7233' };

    it('connects in plain text by default', () => {
      const config = loadConfig(external);
      assert.equal(config.temporal.tls, undefined);
      assert.equal(config.temporal.apiKey, undefined);
    });

    it('reads the CA, the client certificate pair and the server name for mTLS', () => {
      const config = loadConfig({
        ...external,
        TEMPORAL_TLS_CA_PATH: file('ca.pem'),
        TEMPORAL_TLS_CERT_PATH: file('client.pem'),
        TEMPORAL_TLS_KEY_PATH: file('client.key', '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      });
      assert.equal(config.temporal.tls?.serverRootCACertificate?.toString(), pem);
      assert.match(config.temporal.tls?.clientCertPair?.key.toString() ?? '', /PRIVATE KEY/);
      assert.equal(config.temporal.tls?.serverNameOverride, 'temporal.internal');
    });

    it('turns TLS on with an API key (Temporal Cloud), unless TEMPORAL_TLS=false says otherwise', () => {
      const cloud = loadConfig({ ...external, TEMPORAL_API_KEY: 'key-1' });
      assert.deepEqual(cloud.temporal.tls, {});
      assert.equal(cloud.temporal.apiKey, 'key-1');
      const plain = loadConfig({ ...external, TEMPORAL_API_KEY: 'key-1', TEMPORAL_TLS: 'false' });
      assert.equal(plain.temporal.tls, undefined);
      assert.deepEqual(loadConfig({ ...external, TEMPORAL_TLS: 'true' }).temporal.tls, {});
    });

    it('lists every TLS problem: missing files, half a pair, no PEM, no external server', () => {
      assert.throws(
        () =>
          loadConfig({
            ...external,
            TEMPORAL_TLS_CA_PATH: path.join(dir, 'missing.pem'),
            TEMPORAL_TLS_CERT_PATH: file('not-pem.txt', 'hello'),
          }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.equal(err.problems.length, 3, err.message);
          assert.match(err.message, /TEMPORAL_TLS_CA_PATH: cannot read .*missing\.pem \(ENOENT\)/);
          assert.match(err.message, /TEMPORAL_TLS_CERT_PATH, TEMPORAL_TLS_KEY_PATH: give both/);
          assert.match(err.message, /TEMPORAL_TLS_CERT_PATH: .*not-pem\.txt is not a PEM file/);
          return true;
        },
      );
      assert.throws(() => loadConfig({ TEMPORAL_API_KEY: 'key-1' }), /apply to an external Temporal server only/);
      assert.throws(() => loadConfig({ ...external, TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA_PATH: file('ca.pem') }), /TEMPORAL_TLS: false/);
    });
  });
});
