import assert from 'node:assert/strict';
import { PgSandboxStore } from '../../src/db/repos/sandbox.repo';
import { finishedBroadcast, outboxItems, userWithAccount, type Client } from '../support/http';
import { injectAndSettle } from '../support/inbound';
import { getStack } from '../support/stack';

describe('one opt-out for every campaign', () => {
  let api: Client;
  let accountId: string;
  let contacts: Array<{ key: string; platformId: string; username: string | null; title: string }>;

  before(async function () {
    this.timeout(120_000);
    ({ api, accountId } = await userWithAccount());
    contacts = (await new PgSandboxStore((await getStack()).db).listChats(accountId)).filter((c) => c.type === 'contact' && c.username);
    assert.ok(contacts.length >= 3, 'the seeded world has contacts with usernames');
  });

  describe('GET/PUT /api/contacts/opt-out-words', () => {
    it('answers the defaults, then the words set, each once; refuses none or blank ones', async () => {
      const { api: owner } = await userWithAccount();
      const defaults = await owner.get('/api/contacts/opt-out-words');
      assert.equal(defaults.status, 200);
      assert.deepEqual(defaults.body.words, ['stop', 'unsubscribe']);
      const set = await owner.put('/api/contacts/opt-out-words', { words: ['Basta', 'basta!', 'stop'] });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.deepEqual(set.body.words, ['basta!', 'stop']);
      assert.deepEqual((await owner.get('/api/contacts/opt-out-words')).body.words, ['basta!', 'stop']);
      for (const words of [[], [' '], ['!!!']]) assert.equal((await owner.put('/api/contacts/opt-out-words', { words })).status, 400, JSON.stringify(words));
    });
  });

  it('opts the sender of a private "STOP" out, with no auto-reply, and no broadcast reaches them after', async function () {
    this.timeout(60_000);
    const rule = await api.post('/api/auto-replies', { keyword: '.*', response: 'Thanks for writing', match_mode: 'regex', cooldown_seconds: 0 });
    assert.equal(rule.status, 201);
    const [leaver, stayer, known] = contacts;
    // A contact the CRM knows already is opted out in place; an unknown sender becomes a contact.
    const existing = await api.post('/api/contacts', { name: 'Known', username: known!.username });
    assert.equal(existing.status, 201);

    const stop = await injectAndSettle(api, accountId, { type: 'message', chat_key: leaver!.key, from: { id: leaver!.platformId, username: leaver!.username!, name: leaver!.title }, text: 'STOP!' });
    assert.deepEqual(stop.result, { sent: 0, runs: 0 }, 'an opt-out gets no auto-reply');
    await injectAndSettle(api, accountId, { type: 'message', chat_key: known!.key, from: { id: known!.platformId, username: known!.username! }, text: 'unsubscribe' });
    // The positive case: the same rule answers an ordinary message.
    const hello = await injectAndSettle(api, accountId, { type: 'message', chat_key: stayer!.key, from: { id: stayer!.platformId, username: stayer!.username! }, text: 'stop by tomorrow?' });
    assert.deepEqual(hello.result, { sent: 1, runs: 1 });

    const created = (await api.get(`/api/contacts?search=${leaver!.username}`)).body.contacts;
    assert.equal(created.length, 1);
    assert.equal(created[0].opted_out, true);
    assert.equal(created[0].telegram_id, leaver!.platformId);
    const updated = await api.get(`/api/contacts/${existing.body.id}`);
    assert.equal(updated.body.contact.opted_out, true);
    const log = await api.get('/api/automation/log?feature=opt_out');
    assert.equal(log.status, 200);
    assert.deepEqual(log.body.entries.map((e: { user_id: string }) => e.user_id).sort(), [known!.platformId, leaver!.platformId].sort());
    const { db } = await getStack();
    assert.equal((await db('events').where({ account_id: accountId, type: 'contact.opted_out' })).length, 2);

    const broadcast = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: [leaver!.key, stayer!.key, known!.key], message: 'Big sale' });
    assert.equal(broadcast.status, 201, JSON.stringify(broadcast.body));
    const finished = await finishedBroadcast(api, broadcast.body.schedule_id);
    const results = Object.fromEntries(finished.last_run.results.map((r: { target_key: string; status: string; error?: string }) => [r.target_key, [r.status, r.error ?? null]]));
    assert.deepEqual(results[leaver!.key], ['failed', 'the contact opted out']);
    assert.deepEqual(results[known!.key], ['failed', 'the contact opted out']);
    assert.deepEqual(results[stayer!.key], ['sent', null]);
    const sent = (await outboxItems(api, accountId)).filter((i) => i.text === 'Big sale').map((i) => i.chat_key);
    assert.deepEqual(sent, [stayer!.key]);
    await api.delete(`/api/auto-replies/${rule.body.rule.id}`);
  });
});
