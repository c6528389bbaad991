import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig: scan settings', () => {
  it('waits 20 s for scans, keeps search-replies apart for 30 days, gives sources 5 s, has no TGStat token', () => {
    assert.deepEqual(loadConfig({}).scan, { waitSeconds: 20, replyWindowDays: 30, sourceTimeoutSeconds: 5, tgstatToken: undefined });
  });

  it('reads SCAN_WAIT_SECONDS, SEARCH_REPLY_WINDOW_DAYS, DISCOVER_SOURCE_TIMEOUT_SECONDS and TGSTAT_TOKEN', () => {
    const config = loadConfig({
      SCAN_WAIT_SECONDS: '0',
      SEARCH_REPLY_WINDOW_DAYS: '0.5',
      DISCOVER_SOURCE_TIMEOUT_SECONDS: '2',
      TGSTAT_TOKEN: 'token',
    });
    assert.deepEqual(config.scan, { waitSeconds: 0, replyWindowDays: 0.5, sourceTimeoutSeconds: 2, tgstatToken: 'token' });
  });

  it('refuses values out of range', () => {
    assert.throws(
      () => loadConfig({ SCAN_WAIT_SECONDS: '-1', SEARCH_REPLY_WINDOW_DAYS: '0', DISCOVER_SOURCE_TIMEOUT_SECONDS: '600' }),
      (err: unknown) => err instanceof ConfigError && err.problems.length === 3,
    );
  });
});
