import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { MAX_CAPTION_LENGTH } from '../../src/domain/limits';
import { isPlatformError, type OutgoingMessage, type PlatformErrorKind, type PlatformSession, type SentMessage } from '../../src/domain/platform-port';
import { insertOutboxItem, PgSandboxStore } from '../../src/db/repos/sandbox.repo';
import { SandboxDriver } from '../../src/platforms/sandbox/sandbox-driver';
import { eventually, outboxItems, userWithAccount, type Client } from '../support/http';
import { getStack, type Stack } from '../support/stack';

/**
 * Sending through a sandbox session of the driver itself, with faults set through the HTTP API
 * while the session is open (as the API role sets them for a worker elsewhere): what the session
 * keeps of the world must not hide what the API changes.
 */
describe('sandbox sendMessage', () => {
  let stack: Stack;
  before(async function () {
    this.timeout(120_000);
    stack = await getStack();
  });

  let api: Client;
  let accountId: string;
  let session: PlatformSession;
  let sends = 0;
  beforeEach(async () => {
    ({ api, accountId } = await userWithAccount('telegram'));
    session = await new SandboxDriver(new PgSandboxStore(stack.db)).connect({ id: accountId, platform: 'telegram', phone: null });
  });

  const message = (targetKey: string, fields: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
    targetKey,
    text: `message ${++sends}`,
    clientMessageId: `sandbox-send-${sends}-${accountId}`,
    ...fields,
  });

  const setFaults = async (faults: Record<string, unknown>) => {
    const reply = await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, faults);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
  };

  /** The error `send` fails with, which must be a PlatformError of `kind`. */
  async function refusal(send: Promise<SentMessage>, kind: PlatformErrorKind): Promise<Error> {
    const err = await send.then(
      (sent) => assert.fail(`expected ${kind}, the message was sent as ${sent.messageId}`),
      (e: unknown) => e,
    );
    assert.ok(isPlatformError(err, kind), `expected ${kind}, got ${String(err)}`);
    return err;
  }

  const texts = async () => (await outboxItems(api, accountId)).map((i) => i.text);

  it('records a message to any spelling of a chat at its key, with its reply and its file identity', async () => {
    const data = Buffer.from('not really a png');
    const sha256 = createHash('sha256').update(data).digest('hex');
    const sent = await session.sendMessage(message('https://t.me/Channel1', { text: 'with a file', replyTo: 1001, media: { data, mimeType: 'image/png', sha256 } }));
    assert.equal(sent.deduplicated, false);
    const [item, ...rest] = await outboxItems(api, accountId);
    assert.equal(rest.length, 0);
    assert.deepEqual(
      { id: item.id, chat_key: item.chat_key, text: item.text, reply_to: item.reply_to, media: item.media },
      { id: sent.messageId, chat_key: '@channel1', text: 'with a file', reply_to: '1001', media: { mime_type: 'image/png', size_bytes: data.length, sha256 } },
    );
    assert.equal(new Date(item.at).getTime(), sent.sentAt.getTime());
  });

  it('answers a repeated client message id with the earlier item, deduplicated, recording it once and taking no fault', async () => {
    const first = message('@channel1');
    const sent = await session.sendMessage(first);
    await setFaults({ flood_wait_seconds: 5, flood_wait_sends: 1 });
    // Even to another target: the platform knows the id, not what it was for.
    const again = await session.sendMessage({ ...first, targetKey: '@nobody_has_this_name' });
    assert.deepEqual(again, { ...sent, deduplicated: true });
    assert.deepEqual(await texts(), [first.text]);
    // The FloodWait was still there for the next new message.
    await refusal(session.sendMessage(message('@channel1')), 'rate_limited');
  });

  it('records one item for concurrent sends of one client message id', async () => {
    const once = message('@channel2');
    const sent = await Promise.all(Array.from({ length: 6 }, () => session.sendMessage(once)));
    assert.equal(sent.filter((s) => !s.deduplicated).length, 1);
    assert.equal(new Set(sent.map((s) => s.messageId)).size, 1);
    assert.deepEqual(await texts(), [once.text]);
  });

  it('answers the item of a send of the same client message id that was being recorded meanwhile, deduplicated', async () => {
    const once = message('@channel2');
    const trx = await stack.db.transaction();
    let racing: Promise<SentMessage> | undefined;
    try {
      const first = await insertOutboxItem(trx, accountId, { type: 'message', chatKey: '@channel2', text: once.text, clientMessageId: once.clientMessageId });
      racing = session.sendMessage(once);
      // The send's insert waits on the uncommitted one.
      await eventually(async () => {
        const { rows } = await stack.db.raw(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
        return rows.length > 0 || undefined;
      });
      await trx.commit();
      assert.deepEqual(await racing, { messageId: String(first.id), sentAt: first.at, deduplicated: true });
    } finally {
      if (!trx.isCompleted()) await trx.rollback();
      await racing?.catch(() => undefined);
    }
    assert.deepEqual(await texts(), [once.text]);
  });

  it('honours a FloodWait set while the session is open, for as many sends as it was set for', async () => {
    await session.sendMessage(message('@channel1'));
    await setFaults({ flood_wait_seconds: 7, flood_wait_sends: 2 });
    for (let i = 0; i < 2; i++) {
      const err = await refusal(session.sendMessage(message('@channel1')), 'rate_limited');
      assert.equal((err as { retryAfterSeconds?: number }).retryAfterSeconds, 7);
      assert.match(err.message, /FLOOD_WAIT_7/);
    }
    const after = message('@channel1');
    await session.sendMessage(after);
    assert.equal((await texts()).at(-1), after.text);
  });

  it('shares a FloodWait among concurrent sends: exactly as many as it was set for are refused', async () => {
    await session.sendMessage(message('@channel1'));
    await setFaults({ flood_wait_seconds: 3, flood_wait_sends: 3 });
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => session.sendMessage(message('@channel1'))));
    const refused = outcomes.filter((o) => o.status === 'rejected');
    assert.equal(refused.length, 3);
    assert.ok(refused.every((o) => isPlatformError(o.reason, 'rate_limited')));
    assert.equal((await texts()).length, 1 + 5);
  });

  it('honours PEER_FLOOD and a disconnect set while the session is open, once each', async () => {
    await session.sendMessage(message('@channel1'));
    await setFaults({ peer_flood: true });
    await refusal(session.sendMessage(message('@channel1')), 'restricted');
    await session.sendMessage(message('@channel1'));
    await setFaults({ disconnect: true });
    await refusal(session.sendMessage(message('@channel1')), 'transient');
    // The disconnect closed the session; a new one sends again.
    await assert.rejects(session.sendMessage(message('@channel1')), /session is disconnected/);
    const reopened = await new SandboxDriver(new PgSandboxStore(stack.db)).connect({ id: accountId, platform: 'telegram', phone: null });
    await reopened.sendMessage(message('@channel1'));
    assert.equal((await texts()).length, 3);
  });

  it('forbids a target named by a forbidden key set while the session is open, in any spelling, and sends to the others', async () => {
    await session.sendMessage(message('@channel2'));
    await setFaults({ forbidden_keys: ['https://t.me/Channel2'] });
    const err = await refusal(session.sendMessage(message('@CHANNEL2')), 'forbidden');
    assert.match(err.message, /CHAT_WRITE_FORBIDDEN/);
    const other = message('@channel1');
    const sent = await session.sendMessage(other);
    assert.equal(sent.deduplicated, false);
    // A repeat while keys are in force is still answered with the earlier item.
    assert.deepEqual(await session.sendMessage(other), { ...sent, deduplicated: true });
    await setFaults({ forbidden_keys: [] });
    await session.sendMessage(message('@channel2'));
    assert.deepEqual((await outboxItems(api, accountId)).map((i) => i.chat_key), ['@channel2', '@channel1', '@channel2']);
  });

  it('refuses a chat the account may not write to', async () => {
    await stack.db('sandbox_chats').where({ account_id: accountId, key: '@channel1' }).update({ writable: false });
    const fresh = await new SandboxDriver(new PgSandboxStore(stack.db)).connect({ id: accountId, platform: 'telegram', phone: null });
    await refusal(fresh.sendMessage(message('@channel1')), 'forbidden');
    await fresh.sendMessage(message('@channel2'));
    assert.equal((await texts()).length, 1);
  });

  it('answers not_found for an unknown target and invalid for a malformed key, after a fault set for the send', async () => {
    await refusal(session.sendMessage(message('@nobody_has_this_name')), 'not_found');
    await refusal(session.sendMessage(message('no such key!')), 'invalid');
    await setFaults({ flood_wait_seconds: 2, flood_wait_sends: 1 });
    // The platform refuses the send before it looks at the target; the fault is spent.
    await refusal(session.sendMessage(message('@nobody_has_this_name')), 'rate_limited');
    await refusal(session.sendMessage(message('@nobody_has_this_name')), 'not_found');
    assert.deepEqual(await texts(), []);
  });

  it('checks the length of a message, and of a caption', async () => {
    const media = { data: Buffer.from('x'), mimeType: 'image/png', sha256: createHash('sha256').update('x').digest('hex') };
    await refusal(session.sendMessage(message('@channel1', { text: '' })), 'invalid');
    await refusal(session.sendMessage(message('@channel1', { text: 'x'.repeat(4097) })), 'invalid');
    const err = await refusal(session.sendMessage(message('@channel1', { text: 'x'.repeat(MAX_CAPTION_LENGTH + 1), media })), 'invalid');
    assert.match(err.message, /MEDIA_CAPTION_TOO_LONG/);
    await session.sendMessage(message('@channel1', { text: '', media }));
    await session.sendMessage(message('@channel1', { text: 'x'.repeat(4096) }));
    assert.deepEqual((await outboxItems(api, accountId)).map((i) => i.text?.length ?? 0), [0, 4096]);
  });

  it('refuses a send once the account is deleted, as a new session would be', async () => {
    await session.sendMessage(message('@channel1'));
    assert.equal((await api.delete(`/api/v1/accounts/${accountId}`)).status, 200);
    await refusal(session.sendMessage(message('@channel1')), 'auth_revoked');
    await assert.rejects(new SandboxDriver(new PgSandboxStore(stack.db)).connect({ id: accountId, platform: 'telegram', phone: null }), (err) =>
      isPlatformError(err, 'auth_revoked'),
    );
  });

  it('writes privately to a sender seen in one of the chats after the session opened', async () => {
    await refusal(session.sendMessage(message('@fresh_face')), 'not_found');
    const injected = await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, {
      type: 'message',
      chat_key: '@channel1',
      from: { id: '7770001112', username: 'Fresh_Face', name: 'Fresh Face' },
      text: 'hello there',
    });
    assert.equal(injected.status, 201, JSON.stringify(injected.body));
    await session.sendMessage(message('@fresh_face'));
    await session.sendMessage(message('7770001112'));
    assert.deepEqual((await outboxItems(api, accountId)).map((i) => i.chat_key), ['@fresh_face', '@fresh_face']);
  });
});
