import assert from 'node:assert/strict';
import { finishedBroadcast, groupKeys, newSandboxAccount, newUser, outboxItems, request, userWithAccount, type Client } from '../support/http';
import { getStack } from '../support/stack';
import { nonEmpty } from '../support/assertions';

describe('POST /api/v1/broadcast (schedule_type now)', () => {
  let api: Client;
  let accountId: string;
  before(async function () {
    this.timeout(120_000);
    ({ api, accountId } = await userWithAccount());
  });

  it('sends exactly one message to each of 3 targets and reports them sent', async () => {
    const targets = await groupKeys(api, accountId, 3);
    const created = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: targets,
      message: 'Three targets',
      schedule_type: 'now',
      name: 'three',
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.success, true);
    assert.equal(created.body.platform, 'telegram');
    assert.equal(created.body.message, 'Broadcast triggered for telegram.');
    assert.match(created.body.schedule_id, /^[0-9a-f-]{36}$/);

    const broadcast = await finishedBroadcast(api, created.body.schedule_id);
    assert.equal(broadcast.name, 'three');
    assert.equal(broadcast.schedule_type, 'now');
    assert.deepEqual(broadcast.target_keys, targets);
    assert.equal(broadcast.last_run.status, 'completed');
    assert.equal(broadcast.last_run.sent, 3);
    assert.equal(broadcast.last_run.failed, 0);
    assert.ok(broadcast.last_run.finished_at);
    assert.deepEqual(
      broadcast.last_run.results.map((r: any) => [r.target_key, r.status]),
      targets.map((t) => [t, 'sent']),
    );
    assert.ok(nonEmpty(broadcast.last_run.results).every((r: any) => typeof r.sent_at === 'string'));

    const sent = (await outboxItems(api, accountId)).filter((i) => i.text === 'Three targets');
    assert.deepEqual(sent.map((i) => i.chat_key).sort(), [...targets].sort());
  });

  it('sends the content of an owned template given as template_id', async () => {
    const template = await api.post('/api/templates', { name: 'promo', content: 'From a template' });
    const [target] = await groupKeys(api, accountId, 1);
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: [target], template_id: template.body.id });
    assert.equal(created.status, 201);
    const broadcast = await finishedBroadcast(api, created.body.schedule_id);
    assert.equal(broadcast.last_run.sent, 1);
    assert.equal(broadcast.template_id, template.body.id);
    assert.ok((await outboxItems(api, accountId)).some((i) => i.text === 'From a template' && i.chat_key === target));
  });

  it('fails a forbidden target alone and sends the others', async () => {
    const targets = await groupKeys(api, accountId, 3);
    await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { forbidden_keys: [targets[1]] });
    try {
      const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'Forbidden middle' });
      const broadcast = await finishedBroadcast(api, created.body.schedule_id);
      assert.equal(broadcast.last_run.status, 'completed');
      assert.equal(broadcast.last_run.sent, 2);
      assert.equal(broadcast.last_run.failed, 1);
      const [first, middle, last] = broadcast.last_run.results;
      assert.equal(first.status, 'sent');
      assert.equal(middle.status, 'failed');
      assert.match(middle.error, /CHAT_WRITE_FORBIDDEN/);
      assert.equal(last.status, 'sent');
      const sent = (await outboxItems(api, accountId)).filter((i) => i.text === 'Forbidden middle').map((i) => i.chat_key);
      assert.deepEqual(sent.sort(), [targets[0], targets[2]].sort());
    } finally {
      await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { forbidden_keys: [] });
    }
  });

  it('fails an unknown target as not found and sends the rest', async () => {
    const [known] = await groupKeys(api, accountId, 1);
    const created = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@nobody_has_this_name', known],
      message: 'Unknown first',
    });
    const broadcast = await finishedBroadcast(api, created.body.schedule_id);
    assert.equal(broadcast.last_run.results[0].status, 'failed');
    assert.match(broadcast.last_run.results[0].error, /not found/);
    assert.equal(broadcast.last_run.results[1].status, 'sent');
  });

  it('waits out a FloodWait and then completes the run', async function () {
    this.timeout(60_000);
    const targets = await groupKeys(api, accountId, 2);
    const faulted = await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { flood_wait_seconds: 2, flood_wait_sends: 1 });
    assert.deepEqual(faulted.body.faults, { flood_wait_seconds: 2, flood_wait_sends: 1, forbidden_keys: [], disconnect: false, peer_flood: false });
    const faultSetAt = Date.now();
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'After the flood' });
    const broadcast = await finishedBroadcast(api, created.body.schedule_id, 45_000);
    assert.equal(broadcast.last_run.status, 'completed');
    assert.equal(broadcast.last_run.sent, 2);
    const sent = (await outboxItems(api, accountId)).filter((i) => i.text === 'After the flood');
    assert.equal(sent.length, 2);
    // The first send waited for the platform's 2 s before it went out.
    assert.ok(new Date(sent[0].at).getTime() - faultSetAt >= 2000, 'the FloodWait did not delay the send');
  });

  it('reconnects after a disconnect and delivers every target once', async () => {
    const targets = await groupKeys(api, accountId, 2);
    await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { disconnect: true });
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'After a disconnect' });
    const broadcast = await finishedBroadcast(api, created.body.schedule_id);
    assert.equal(broadcast.last_run.sent, 2);
    const sent = (await outboxItems(api, accountId)).filter((i) => i.text === 'After a disconnect');
    assert.equal(sent.length, 2);
  });

  it('sends to WhatsApp group JIDs from a WhatsApp sandbox account', async () => {
    const waAccount = await newSandboxAccount(api, 'whatsapp');
    const groups = await api.get(`/api/v1/groups?account_id=${waAccount}&type=group`);
    const targets: string[] = groups.body.groups.slice(0, 2).map((g: any) => g.key);
    assert.ok(nonEmpty(targets).every((k: string) => k.endsWith('@g.us')));
    const created = await api.post('/api/v1/broadcast', { account_id: waAccount, target_keys: targets, message: 'Hola' });
    assert.equal(created.body.platform, 'whatsapp');
    const broadcast = await finishedBroadcast(api, created.body.schedule_id);
    assert.equal(broadcast.last_run.sent, 2);
  });

  it("sends to a WhatsApp contact by phone number, at the contact's JID (its key in the ledger); a number without WhatsApp fails", async () => {
    const waAccount = await newSandboxAccount(api, 'whatsapp');
    const contacts = await api.get(`/api/v1/groups?account_id=${waAccount}&type=contact`);
    const jid: string = contacts.body.groups[0].key;
    const phone = `+${jid.split('@')[0]}`;
    const created = await api.post('/api/v1/broadcast', { account_id: waAccount, target_keys: [phone, '+15550001111'], message: 'By number' });
    const broadcast = await finishedBroadcast(api, created.body.schedule_id);
    assert.deepEqual(
      broadcast.last_run.results.map((r: any) => [r.target_key, r.status, r.error]),
      [
        [jid, 'sent', undefined],
        ['15550001111@s.whatsapp.net', 'failed', '+15550001111 is not on WhatsApp'],
      ],
    );
    const sent = (await outboxItems(api, waAccount)).filter((i) => i.text === 'By number');
    assert.deepEqual(sent.map((i) => i.chat_key), [jid]);
  });
});

describe('GET /api/v1/broadcast/:id', () => {
  let api: Client;
  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser());
  });

  it('answers 404 not found for an unknown id', async () => {
    const reply = await api.get('/api/v1/broadcast/7d1d6c0e-1111-4c3b-9a55-0a0b0c0d0e0f');
    assert.equal(reply.status, 404);
    assert.deepEqual(reply.body, { error: 'not found' });
  });

  it('answers 401 without a key', async () => {
    const reply = await request('GET', '/api/v1/broadcast/7d1d6c0e-1111-4c3b-9a55-0a0b0c0d0e0f');
    assert.equal(reply.status, 401);
  });
});
