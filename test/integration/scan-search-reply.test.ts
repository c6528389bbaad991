import assert from 'node:assert/strict';
import { eventually, newSandboxAccount, newUser, request, type Client } from '../support/http';
import { getStack } from '../support/stack';

interface Person {
  id: string;
  username?: string;
  name?: string;
}

const alice: Person = { id: '8001', username: 'alice_sr', name: 'Alice SR' };
const bob: Person = { id: '8002', username: 'bob_sr', name: 'Bob SR' };
const carol: Person = { id: '8003', name: 'Carol No-Username' };

async function inject(api: Client, accountId: string, chatKey: string, from: Person, text: string): Promise<void> {
  const reply = await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, { type: 'message', chat_key: chatKey, from, text });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
}

/** The account's chats of one type, most recently active first. */
async function chatsOf(api: Client, accountId: string, type: 'groups' | 'channels'): Promise<any[]> {
  const reply = await api.get(`/api/v1/scan/results?account_id=${accountId}&type=${type}`);
  return [...reply.body[type]].sort((a, b) => Date.parse(b.last_activity_at) - Date.parse(a.last_activity_at));
}

/** Messages the sandbox sent with `text`. */
async function sentWith(api: Client, accountId: string, text: string): Promise<any[]> {
  const reply = await api.get(`/api/v1/accounts/${accountId}/sandbox/outbox?type=message&limit=1000`);
  return reply.body.items.filter((i: any) => i.text === text);
}

describe('POST /api/v1/scan/search-reply', () => {
  let api: Client;
  let accountId: string;
  let groups: any[];

  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser());
    accountId = await newSandboxAccount(api);
    groups = await chatsOf(api, accountId, 'groups');
    await inject(api, accountId, groups[0].key, alice, 'What is the wombatprice today?');
    await inject(api, accountId, groups[1].key, alice, 'Still asking about the wombatprice');
    await inject(api, accountId, groups[1].key, bob, 'I would koalabuy two');
    await inject(api, accountId, groups[2].key, carol, 'WOMBATPRICE please');
  });

  it('replies privately, once, to each user whose message contains a keyword', async () => {
    const reply = await api.post('/api/v1/scan/search-reply', {
      account_id: accountId,
      keywords: 'wombatprice,koalabuy',
      reply_text: 'Hi! Our wombat offer: t.me/wombats',
    });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const body = reply.body;
    assert.equal(body.success, true);
    assert.equal(body.account_id, accountId);
    assert.equal(body.keywords, 'wombatprice,koalabuy');
    assert.equal(body.replied_to, 3);
    const details = [...body.details].sort((a: any, b: any) => a.user.localeCompare(b.user));
    assert.deepEqual(details, [
      { user: 'alice_sr', chat: groups[1].title, matched_text: 'Still asking about the wombatprice' },
      { user: 'bob_sr', chat: groups[1].title, matched_text: 'I would koalabuy two' },
      { user: 'Carol No-Username', chat: groups[2].title, matched_text: 'WOMBATPRICE please' },
    ]);

    const sent = await sentWith(api, accountId, 'Hi! Our wombat offer: t.me/wombats');
    assert.deepEqual(sent.map((i) => i.chat_key).sort(), ['8003', '@alice_sr', '@bob_sr']);
  });

  it('replies to nobody when the same call is made again', async () => {
    const reply = await api.post('/api/v1/scan/search-reply', {
      account_id: accountId,
      keywords: 'wombatprice,koalabuy',
      reply_text: 'Hi! Our wombat offer: t.me/wombats',
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.replied_to, 0);
    assert.deepEqual(reply.body.details, []);
    assert.equal(reply.body.already_replied, 3);
    assert.equal((await sentWith(api, accountId, 'Hi! Our wombat offer: t.me/wombats')).length, 3);
  });

  it('counts the same keywords in another order, case or spacing as the same keywords', async () => {
    const reply = await api.post('/api/v1/scan/search-reply', {
      account_id: accountId,
      keywords: ' KoalaBuy , wombatprice,',
      reply_text: 'Second wording',
    });
    assert.equal(reply.body.replied_to, 0);
    assert.equal((await sentWith(api, accountId, 'Second wording')).length, 0);
  });

  it('does not reply to a user twice within the window when other keywords match the same message', async () => {
    const dave = { id: '8070', username: 'dave_sr' };
    await inject(api, accountId, groups[7].key, dave, 'any dugongsale or dugongprice?');
    const first = await api.post('/api/v1/scan/search-reply', { account_id: accountId, keywords: 'dugongsale', reply_text: 'Dugong sale reply' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.replied_to, 1);
    assert.deepEqual((await sentWith(api, accountId, 'Dugong sale reply')).map((i) => i.chat_key), ['@dave_sr']);

    const second = await api.post('/api/v1/scan/search-reply', { account_id: accountId, keywords: 'dugongprice', reply_text: 'Dugong price reply' });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body.replied_to, 0);
    assert.deepEqual(second.body.details, []);
    assert.equal(second.body.already_replied, 1);
    const outbox = await api.get(`/api/v1/accounts/${accountId}/sandbox/outbox?chat_key=${encodeURIComponent('@dave_sr')}&type=message`);
    assert.equal(outbox.status, 200);
    assert.deepEqual(outbox.body.items.map((i: any) => i.text), ['Dugong sale reply'], 'exactly one reply to the user');
  });

  it('replies to a user again within the window only when allow_repeat is set, and never to the same message twice', async () => {
    const erin = { id: '8071', username: 'erin_sr' };
    await inject(api, accountId, groups[7].key, erin, 'manateedeal for me');
    const first = await api.post('/api/v1/scan/search-reply', { account_id: accountId, keywords: 'manateedeal', reply_text: 'Manatee one' });
    assert.equal(first.body.replied_to, 1);
    await inject(api, accountId, groups[8].key, erin, 'another manateedeal please');

    const refused = await api.post('/api/v1/scan/search-reply', { account_id: accountId, keywords: 'manateedeal', reply_text: 'Manatee two' });
    assert.equal(refused.status, 200);
    assert.equal(refused.body.replied_to, 0);
    const allowed = await api.post('/api/v1/scan/search-reply', {
      account_id: accountId,
      keywords: 'manateedeal',
      reply_text: 'Manatee two',
      allow_repeat: true,
    });
    assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
    assert.deepEqual(allowed.body.details, [{ user: 'erin_sr', chat: groups[8].title, matched_text: 'another manateedeal please' }]);
    const again = await api.post('/api/v1/scan/search-reply', {
      account_id: accountId,
      keywords: 'manateedeal',
      reply_text: 'Manatee three',
      allow_repeat: true,
    });
    assert.equal(again.body.replied_to, 0, 'the newest message was answered already');
    assert.deepEqual((await sentWith(api, accountId, 'Manatee two')).map((i) => i.chat_key), ['@erin_sr']);
    assert.equal((await sentWith(api, accountId, 'Manatee three')).length, 0);
  });

  it('sends nothing from an account the platform restricted', async () => {
    const stack = await getStack();
    const search = { keywords: 'narwhaldeal', reply_text: 'Narwhal reply' };
    const open = await newSandboxAccount(api);
    const restricted = await newSandboxAccount(api);
    for (const account of [open, restricted]) {
      const [group] = await chatsOf(api, account, 'groups');
      await inject(api, account, group.key, { id: '8080', username: 'nara_sr' }, 'narwhaldeal anyone?');
    }
    const sent = await api.post('/api/v1/scan/search-reply', { account_id: open, ...search });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.equal(sent.body.replied_to, 1, 'the same search replies from an account that may send');
    assert.equal((await sentWith(api, open, search.reply_text)).length, 1);

    await stack.db('accounts').where({ id: restricted }).update({ status: 'restricted' });
    const stopped = await api.post('/api/v1/scan/search-reply', { account_id: restricted, ...search });
    assert.equal(stopped.status, 409, JSON.stringify(stopped.body));
    assert.match(stopped.body.error, /restricted/);
    assert.equal((await sentWith(api, restricted, search.reply_text)).length, 0);
  });

  it('works as the reference example is written', async () => {
    const fresh = await newSandboxAccount(api);
    const body = { account_id: fresh, keywords: 'buy,interested,price', reply_text: 'Hi! Check our offer at t.me/mychannel' };
    const reply = await api.post('/api/v1/scan/search-reply', body);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.ok(reply.body.replied_to > 0, 'the seeded world talks about buying and prices');
    assert.equal(reply.body.details.length, reply.body.replied_to);
    for (const d of reply.body.details) {
      assert.match(d.matched_text.toLowerCase(), /buy|interested|price/);
      assert.equal(typeof d.chat, 'string');
    }
    const sent = await sentWith(api, fresh, body.reply_text);
    assert.equal(sent.length, reply.body.replied_to);
    assert.equal(new Set(sent.map((i) => i.chat_key)).size, sent.length, 'one reply per user');
    assert.equal((await api.post('/api/v1/scan/search-reply', body)).body.replied_to, 0);
  });

  it('searches only the chats of target_type', async () => {
    const [channel] = await chatsOf(api, accountId, 'channels');
    await inject(api, accountId, channel.key, { id: '8010', username: 'emu_fan' }, 'emuquote wanted');
    const groupsOnly = await api.post('/api/v1/scan/search-reply', {
      account_id: accountId,
      keywords: 'emuquote',
      reply_text: 'Emu reply',
      target_type: 'groups',
    });
    assert.equal(groupsOnly.body.replied_to, 0);
    const channels = await api.post('/api/v1/scan/search-reply', {
      account_id: accountId,
      keywords: 'emuquote',
      reply_text: 'Emu reply',
      target_type: 'channels',
    });
    assert.equal(channels.body.replied_to, 1);
    assert.deepEqual((await sentWith(api, accountId, 'Emu reply')).map((i) => i.chat_key), ['@emu_fan']);
  });

  it('takes at most per_chat_limit matching messages of each chat, the newest', async () => {
    const chat = groups[3].key;
    for (const [i, name] of ['dingo_one', 'dingo_two', 'dingo_three'].entries()) {
      await inject(api, accountId, chat, { id: `802${i}`, username: name }, `any dingosale left? (${i})`);
    }
    const two = await api.post('/api/v1/scan/search-reply', {
      account_id: accountId,
      keywords: 'dingosale',
      reply_text: 'Dingo reply',
      per_chat_limit: 2,
    });
    assert.deepEqual(two.body.details.map((d: any) => d.user).sort(), ['dingo_three', 'dingo_two']);
    const more = await api.post('/api/v1/scan/search-reply', { account_id: accountId, keywords: 'dingosale', reply_text: 'Dingo reply' });
    assert.deepEqual(more.body.details.map((d: any) => d.user), ['dingo_one'], 'the default of 120 reaches the third');
  });

  it('scans at most max_chats chats, the most recently active first', async () => {
    await inject(api, accountId, groups[1].key, { id: '8030', username: 'possum_fan' }, 'possumdeal?');
    const one = await api.post('/api/v1/scan/search-reply', {
      account_id: accountId,
      keywords: 'possumdeal',
      reply_text: 'Possum reply',
      target_type: 'groups',
      max_chats: 1,
    });
    assert.equal(one.body.replied_to, 0);
    const two = await api.post('/api/v1/scan/search-reply', {
      account_id: accountId,
      keywords: 'possumdeal',
      reply_text: 'Possum reply',
      target_type: 'groups',
      max_chats: 2,
    });
    assert.equal(two.body.replied_to, 1);
  });

  it('fails a user who cannot be written to alone and replies to the others', async () => {
    const blocked = { id: '8040', username: 'blocked_sr' };
    await inject(api, accountId, groups[4].key, blocked, 'numbatdeal here');
    await inject(api, accountId, groups[4].key, { id: '8041', username: 'open_sr' }, 'numbatdeal too');
    await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { forbidden_keys: ['@blocked_sr'] });
    try {
      const reply = await api.post('/api/v1/scan/search-reply', { account_id: accountId, keywords: 'numbatdeal', reply_text: 'Numbat reply' });
      assert.equal(reply.body.replied_to, 1);
      assert.deepEqual(reply.body.details.map((d: any) => d.user), ['open_sr']);
      assert.equal(reply.body.failed.length, 1);
      assert.equal(reply.body.failed[0].user, 'blocked_sr');
      assert.match(reply.body.failed[0].error, /CHAT_WRITE_FORBIDDEN/);
    } finally {
      await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { forbidden_keys: [] });
    }
    const retried = await api.post('/api/v1/scan/search-reply', { account_id: accountId, keywords: 'numbatdeal', reply_text: 'Numbat reply' });
    assert.deepEqual(retried.body.details.map((d: any) => d.user), ['blocked_sr'], 'a failed reply does not count as replied');
  });

  it('waits out a FloodWait and still sends each reply once', async () => {
    await inject(api, accountId, groups[5].key, { id: '8050', username: 'flood_sr' }, 'bilbyoffer?');
    await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { flood_wait_seconds: 1, flood_wait_sends: 1 });
    const reply = await api.post('/api/v1/scan/search-reply', { account_id: accountId, keywords: 'bilbyoffer', reply_text: 'Bilby reply' });
    assert.equal(reply.body.replied_to, 1);
    assert.deepEqual((await sentWith(api, accountId, 'Bilby reply')).map((i) => i.chat_key), ['@flood_sr']);
  });

  it("replies to a WhatsApp user's JID", async () => {
    const wa = await newSandboxAccount(api, 'whatsapp');
    const [waGroup] = await chatsOf(api, wa, 'groups');
    await inject(api, wa, waGroup.key, { id: '15550002222@s.whatsapp.net', name: 'Dee' }, 'quollprice?');
    const reply = await api.post('/api/v1/scan/search-reply', { account_id: wa, keywords: 'quollprice', reply_text: 'Quoll reply' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(reply.body.details, [{ user: 'Dee', chat: waGroup.title, matched_text: 'quollprice?' }]);
    assert.deepEqual((await sentWith(api, wa, 'Quoll reply')).map((i) => i.chat_key), ['15550002222@s.whatsapp.net']);
  });

  it('answers 202 with a job to poll when asked not to wait', async () => {
    await inject(api, accountId, groups[6].key, { id: '8060', username: 'later_sr' }, 'tapirdeal?');
    const reply = await api.post('/api/v1/scan/search-reply', {
      account_id: accountId,
      keywords: 'tapirdeal',
      reply_text: 'Tapir reply',
      wait_seconds: 0,
    });
    assert.equal(reply.status, 202);
    assert.equal(reply.body.status, 'running');
    const job = await eventually(async () => {
      const polled = await api.get(`/api/v1/scan/jobs/${reply.body.job_id}`);
      return polled.body.status === 'running' ? undefined : polled.body;
    });
    assert.equal(job.status, 'completed');
    assert.equal(job.kind, 'search_reply');
    assert.equal(job.result.replied_to, 1);
    assert.deepEqual((await sentWith(api, accountId, 'Tapir reply')).map((i) => i.chat_key), ['@later_sr']);
  });

  it('answers 400 naming the field for invalid parameters', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ account_id: accountId, keywords: 'a', reply_text: 'x', allow_repeat: 'yes' }, /allow_repeat/],
      [{ account_id: accountId, reply_text: 'x' }, /keywords is required/],
      [{ account_id: accountId, keywords: ' , ,', reply_text: 'x' }, /keywords: give at least one keyword/],
      [{ account_id: accountId, keywords: 'a' }, /reply_text is required/],
      [{ account_id: accountId, keywords: 'a', reply_text: '   ' }, /reply_text: must not be blank/],
      [{ account_id: accountId, keywords: 'a', reply_text: 'x'.repeat(4097) }, /reply_text: at most 4096/],
      [{ account_id: accountId, keywords: 'a', reply_text: 'x', target_type: 'everyone' }, /target_type/],
      [{ account_id: accountId, keywords: 'a', reply_text: 'x', max_chats: 0 }, /max_chats/],
      [{ account_id: accountId, keywords: 'a', reply_text: 'x', per_chat_limit: -3 }, /per_chat_limit/],
      [{ keywords: 'a', reply_text: 'x' }, /account_id is required/],
    ];
    for (const [body, error] of cases) {
      const reply = await api.post('/api/v1/scan/search-reply', body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.body.error, error);
    }
  });

  it("answers 404 for another user's account", async () => {
    const other = await newUser();
    const reply = await other.api.post('/api/v1/scan/search-reply', { account_id: accountId, keywords: 'a', reply_text: 'x' });
    assert.equal(reply.status, 404);
    assert.deepEqual(reply.body, { error: 'account not found' });
  });

  it('answers 401 without an API key', async () => {
    const reply = await request('POST', '/api/v1/scan/search-reply', { body: { account_id: accountId, keywords: 'a', reply_text: 'x' } });
    assert.equal(reply.status, 401);
  });
});
