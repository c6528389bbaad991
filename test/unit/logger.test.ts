import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger, prettyFields } from '../../src/logger';

/** Everything written to a logger made with `options`, as lines. */
function capture(options: { pretty: boolean }) {
  const destination = new PassThrough();
  let written = '';
  destination.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const logger = createLogger('info', { ...options, colorize: false, destination });
  return { logger, lines: () => written.split('\n').filter(Boolean) };
}

describe('createLogger', () => {
  it('writes one readable line per event when pretty: time, level, module, message, then the other fields', () => {
    const { logger, lines } = capture({ pretty: true });
    logger.child({ module: 'worker' }).info({ shards: [0], accountId: 'a1', note: 'two words' }, 'worker started');
    logger.child({ module: 'api' }).error({ err: new Error('boom\nat line two'), requestId: 'r1' }, 'request\nfailed');

    assert.equal(lines().length, 2, lines().join('\n'));
    const [started, failed] = lines();
    assert.match(started!, /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: worker worker started shards=\[0\] accountId=a1 note="two words"$/);
    assert.match(failed!, /^\[[\d:.]+\] ERROR: api request\\nfailed err="Error: boom\\nat line two" requestId=r1$/);
    for (const line of lines()) {
      assert.doesNotMatch(line, /pid|hostname|service|autohub/);
      assert.throws(() => JSON.parse(line));
    }
  });

  it('writes JSON lines when not pretty, as it does when stdout is not a terminal', () => {
    const { logger, lines } = capture({ pretty: false });
    logger.child({ module: 'worker' }).info({ shards: [0] }, 'worker started');

    assert.equal(lines().length, 1);
    const event = JSON.parse(lines()[0]!);
    assert.equal(event.level, 30);
    assert.equal(event.module, 'worker');
    assert.equal(event.msg, 'worker started');
    assert.deepEqual(event.shards, [0]);
    assert.equal(event.service, 'autohub');
  });

  it('is pretty by default exactly when stdout is a terminal', () => {
    const destination = new PassThrough();
    let written = '';
    destination.on('data', (chunk: Buffer) => (written += chunk.toString()));
    createLogger('info', { destination, colorize: false }).info('hello');

    const isJson = (() => {
      try {
        return JSON.parse(written).msg === 'hello';
      } catch {
        return false;
      }
    })();
    assert.match(written, /hello/);
    assert.equal(isJson, process.stdout.isTTY !== true);
  });
});

describe('prettyFields', () => {
  it('quotes strings that would be ambiguous and shows errors by type and message', () => {
    assert.equal(
      prettyFields({ msg: 'x', plain: 'abc', spaced: 'a b', equals: 'a=b', n: 2, err: { type: 'TypeError', message: 'bad', stack: '…' } }),
      'plain=abc spaced="a b" equals="a=b" n=2 err="TypeError: bad"',
    );
  });
});
