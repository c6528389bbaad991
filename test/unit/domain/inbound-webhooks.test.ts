import assert from 'node:assert/strict';
import { InboundActionSchema, messageToSend } from '../../../src/domain/inbound-webhooks';

describe('inbound webhook actions', () => {
  const send = (action: object) => InboundActionSchema.parse({ type: 'send_message', account_id: '6f1c2a4e-8b1d-4c3e-9f2a-1b2c3d4e5f60', ...action }) as Extract<ReturnType<typeof InboundActionSchema.parse>, { type: 'send_message' }>;

  it('takes the target and message from the body when the hook fixes neither', () => {
    assert.deepEqual(messageToSend(send({}), { target_key: ' @bob ', message: 'Hi' }), { ok: true, targetKey: '@bob', text: 'Hi' });
  });

  it('keeps a fixed target and fills a fixed message from the body’s text and number fields only', () => {
    const got = messageToSend(send({ target_key: '@ops', message: 'Order {{id}} of {{total}} {{items}}' }), { id: 'A-1', total: 9.5, items: [1], target_key: '@else' });
    assert.deepEqual(got, { ok: true, targetKey: '@ops', text: 'Order A-1 of 9.5 {{items}}' });
  });

  it('names what a body lacks', () => {
    assert.deepEqual(messageToSend(send({}), { message: 'Hi' }), { ok: false, error: 'the body must give target_key (text), as the hook fixes none' });
    assert.deepEqual(messageToSend(send({ target_key: '@ops' }), { message: '  ' }), { ok: false, error: 'the body must give message (text), as the hook fixes none' });
    assert.deepEqual(messageToSend(send({}), [1, 2]), { ok: false, error: 'the body must be a JSON object' });
    assert.match((messageToSend(send({ target_key: '@ops' }), { message: 'x'.repeat(5000) }) as { error: string }).error, /at most 4096/);
  });

  it('refuses an unknown action type and unknown settings', () => {
    assert.equal(InboundActionSchema.safeParse({ type: 'launch' }).success, false);
    assert.equal(InboundActionSchema.safeParse({ type: 'run_broadcast', broadcast_id: 'not-a-uuid' }).success, false);
    assert.equal(InboundActionSchema.safeParse({ type: 'upsert_contact', extra: true }).success, false);
  });
});
