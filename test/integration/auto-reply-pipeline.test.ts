import assert from 'node:assert/strict';
import { groupKeys, outboxItems, userWithAccount, type Client } from '../support/http';
import { injectAndSettle } from '../support/inbound';
import { getStack } from '../support/stack';

describe('auto-replies through the inbound pipeline', () => {
  let api: Client;
  let accountId: string;
  let group: string;
  let contact: string;

  before(async function () {
    this.timeout(120_000);
    ({ api, accountId } = await userWithAccount());
    group = (await groupKeys(api, accountId, 1))[0] ?? '';
    const contacts = await api.get(`/api/v1/groups?account_id=${accountId}&type=contact`);
    assert.equal(contacts.status, 200);
    contact = contacts.body.groups[0].key;
    assert.ok(group && contact, 'the sandbox world has a group and a contact');
  });

  /** Injects a message and waits until the pipeline has acted on it. */
  const inject = (chatKey: string, from: { id: string; username?: string; name?: string }, text: string) =>
    injectAndSettle(api, accountId, { type: 'message', chat_key: chatKey, from, text });

  const repliesIn = async (chatKey: string, text: string) => (await outboxItems(api, accountId)).filter((i) => i.chat_key === chatKey && i.text === text);

  it("answers the reference's rule once in a group, quoting the message, and holds the same sender back for its cooldown", async function () {
    this.timeout(60_000);
    const rule = await api.post('/api/auto-replies', { keyword: 'hello', response: 'Hi there!', match_mode: 'contains', cooldown_seconds: 60 });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));

    const first = await inject(group, { id: 'u-ann', username: 'ann_smith', name: 'Ann' }, 'hello everyone');
    assert.deepEqual(first.result, { sent: 1, runs: 1 });
    const answered = await repliesIn(group, 'Hi there!');
    assert.equal(answered.length, 1);
    assert.equal(answered[0].reply_to, String(first.messageId));

    // Ann again within the cooldown: nothing more; another sender is answered.
    const again = await inject(group, { id: 'u-ann', username: 'ann_smith', name: 'Ann' }, 'hello again');
    assert.deepEqual(again.result, { sent: 0, runs: 0 });
    const other = await inject(group, { id: 'u-bob', username: 'bob_jones', name: 'Bob' }, 'well hello');
    assert.deepEqual(other.result, { sent: 1, runs: 1 });
    assert.equal((await repliesIn(group, 'Hi there!')).length, 2);

    const { db } = await getStack();
    const log = await db('automation_log').where({ account_id: accountId, feature: 'auto_reply', rule_id: rule.body.rule.id });
    assert.equal(log.length, 2, 'each reply is in the automation log');
    await api.delete(`/api/auto-replies/${rule.body.rule.id}`);
  });

  it('keeps a catch-all rule out of groups, answering private chats only', async function () {
    this.timeout(60_000);
    const rule = await api.post('/api/auto-replies', { keyword: '.*', response: 'We will get back to you', match_mode: 'regex', cooldown_seconds: 0 });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const inPrivate = await inject(contact, { id: 'u-cat', username: 'cat_lover', name: 'Cat' }, 'anyone there?');
    assert.deepEqual(inPrivate.result, { sent: 1, runs: 1 });
    assert.equal((await repliesIn(contact, 'We will get back to you')).length, 1);
    const inGroup = await inject(group, { id: 'u-cat', username: 'cat_lover', name: 'Cat' }, 'anyone in here?');
    assert.deepEqual(inGroup.result, { sent: 0, runs: 0 });
    assert.equal((await repliesIn(group, 'We will get back to you')).length, 0);
    await api.delete(`/api/auto-replies/${rule.body.rule.id}`);
  });

  it('never answers the account itself', async function () {
    this.timeout(60_000);
    const rule = await api.post('/api/auto-replies', { keyword: 'echo', response: 'echo back', match_mode: 'contains', cooldown_seconds: 0 });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const profile = await api.get(`/api/v1/accounts/${accountId}/profile`);
    assert.equal(profile.status, 200);
    const self = String(profile.body.profile.id);
    const injected = await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, { type: 'message', chat_key: group, from: { id: self }, text: 'echo from myself' });
    assert.equal(injected.status, 201);
    // The positive case right after it: someone else's echo is answered, so the account's own was seen and dropped.
    const other = await inject(group, { id: 'u-dan', username: 'dan_echo' }, 'echo from Dan');
    assert.deepEqual(other.result, { sent: 1, runs: 1 });
    const { db } = await getStack();
    const own = await db('inbound_events').where({ account_id: accountId }).whereRaw("payload->>'text' = ?", ['echo from myself']);
    assert.deepEqual(own, []);
    assert.equal((await repliesIn(group, 'echo back')).length, 1);
    await api.delete(`/api/auto-replies/${rule.body.rule.id}`);
  });
});
