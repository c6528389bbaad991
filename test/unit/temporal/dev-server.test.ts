import assert from 'node:assert/strict';
import { devServerArgs, startDevServer, TemporalCliNotFoundError } from '../../../src/temporal/dev-server';
import { SEARCH_ATTRIBUTE_NAMES } from '../../../src/temporal/search-attributes';

/** The value following `flag` each time it appears. */
function values(args: string[], flag: string): string[] {
  return args.flatMap((arg, i) => (arg === flag ? [args[i + 1]!] : []));
}

describe('devServerArgs', () => {
  it('persists to the SQLite file with the web UI on its port, quietly, with every search attribute', () => {
    const args = devServerArgs({ dbFile: '/home/a/temporal.sqlite', port: 7233, uiPort: 8233, namespace: 'autohub' });
    assert.deepEqual(args.slice(0, 2), ['server', 'start-dev']);
    assert.deepEqual(values(args, '--db-filename'), ['/home/a/temporal.sqlite']);
    assert.deepEqual(values(args, '--port'), ['7233']);
    assert.deepEqual(values(args, '--ui-port'), ['8233']);
    assert.deepEqual(values(args, '--namespace'), ['autohub']);
    assert.deepEqual(values(args, '--log-level'), ['warn']);
    assert.deepEqual(values(args, '--ip'), ['127.0.0.1']);
    assert.ok(!args.includes('--headless'));
    assert.ok(SEARCH_ATTRIBUTE_NAMES.length > 0);
    assert.deepEqual(
      values(args, '--search-attribute'),
      SEARCH_ATTRIBUTE_NAMES.map((name) => `${name}=Keyword`),
    );
  });

  it('runs in memory and headless when given no file and no UI port', () => {
    const args = devServerArgs({ port: 7300, namespace: 'default' });
    assert.ok(args.includes('--headless'));
    assert.deepEqual(values(args, '--db-filename'), []);
    assert.deepEqual(values(args, '--ui-port'), []);
  });
});

describe('startDevServer', () => {
  it('fails with the message naming every way to get a Temporal CLI when the given one cannot run', async () => {
    await assert.rejects(startDevServer({ cliPath: '/nonexistent/temporal', port: 1, namespace: 'default' }), (err: unknown) => {
      assert.ok(err instanceof TemporalCliNotFoundError, String(err));
      assert.match(err.message, /TEMPORAL_CLI_PATH/);
      assert.match(err.message, /on PATH/);
      assert.match(err.message, /download/);
      return true;
    });
  });
});
