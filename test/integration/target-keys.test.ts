import assert from 'node:assert/strict';
import { finishedBroadcast, outboxItems, userWithAccount, type Client } from '../support/http';

/** Five spellings of the reference's `@channel1`, seeded in every Telegram sandbox world. */
const CHANNEL1_SPELLINGS = ['@channel1', 'channel1', 't.me/channel1', 'https://t.me/channel1', '@CHANNEL1'];
const FIVE_NAMED = /target_keys: "@channel1", "channel1", "t\.me\/channel1", "https:\/\/t\.me\/channel1" and "@CHANNEL1" name the same chat/;

function assertRefused(reply: { status: number; body: any }, pattern: RegExp): void {
  assert.equal(reply.status, 400, JSON.stringify(reply.body));
  assert.deepEqual(Object.keys(reply.body), ['error']);
  assert.match(reply.body.error, pattern);
}

describe('target keys: one identity per chat', () => {
  describe('on Telegram', () => {
    let api: Client;
    let accountId: string;
    before(async function () {
      this.timeout(120_000);
      ({ api, accountId } = await userWithAccount());
    });

    it('refuses a broadcast to five spellings of one chat, naming them, and sends nothing', async () => {
      const refused = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: CHANNEL1_SPELLINGS, message: 'five spellings' });
      assertRefused(refused, FIVE_NAMED);

      // The positive case of the same setup: one spelling of the same chat is sent to.
      const accepted = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: ['@CHANNEL1'], message: 'one spelling' });
      assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
      const broadcast = await finishedBroadcast(api, accepted.body.schedule_id);
      assert.equal(broadcast.last_run.sent, 1);

      const outbox = await outboxItems(api, accountId);
      assert.deepEqual(
        outbox.filter((i) => i.text === 'one spelling').map((i) => i.chat_key),
        ['@channel1'],
      );
      assert.deepEqual(outbox.filter((i) => i.text === 'five spellings'), []);
      const listed = (await api.get('/api/v1/broadcasts')).body.broadcasts.map((b: any) => b.message);
      assert.ok(listed.includes('one spelling'));
      assert.ok(!listed.includes('five spellings'));
    });

    it("refuses a known chat named by its username and by its numeric id, the issue's six keys among them", async () => {
      const six = [...CHANNEL1_SPELLINGS, '-1001000000001'];
      const refused = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: six, message: 'six keys' });
      assertRefused(refused, /"@CHANNEL1" and "-1001000000001" name the same chat/);
      assertRefused(
        await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: ['-1001000000001', 't.me/Channel1'], message: 'by id' }),
        /target_keys: "-1001000000001" and "t\.me\/Channel1" name the same chat/,
      );
      // The positive case: the id alone is a chat the account can send to.
      const byId = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: ['-1001000000001', '@channel2'], message: 'by id alone' });
      assert.equal(byId.status, 201, JSON.stringify(byId.body));
      assert.equal((await finishedBroadcast(api, byId.body.schedule_id)).last_run.sent, 2);
      assert.deepEqual((await outboxItems(api, accountId)).filter((i) => i.text === 'six keys'), []);
    });

    it('refuses two spellings of one chat in dry runs, legacy schedules and changes', async () => {
      const body = { account_id: accountId, message: 'twice', target_keys: ['@channel2', 'https://telegram.me/Channel2'] };
      const named = /target_keys: "@channel2" and "https:\/\/telegram\.me\/Channel2" name the same chat/;
      assertRefused(await api.post('/api/v1/broadcast', { ...body, dry_run: true }), named);
      assertRefused(await api.post('/api/schedules', { account_id: accountId, message: 'twice', groups: body.target_keys }), named);

      const created = await api.post('/api/v1/broadcast', {
        account_id: accountId,
        message: 'every hour',
        target_keys: ['@channel2'],
        schedule_type: 'interval',
        interval_minutes: 60,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assertRefused(await api.patch(`/api/v1/broadcast/${created.body.schedule_id}`, { target_keys: body.target_keys }), named);
      const changed = await api.patch(`/api/v1/broadcast/${created.body.schedule_id}`, { target_keys: ['t.me/channel1'] });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.deepEqual(changed.body.broadcast.target_keys, ['@channel1']);
    });

    it('stores and reports the canonical keys, keeping the reference examples as written', async () => {
      const dry = await api.post('/api/v1/broadcast', {
        account_id: accountId,
        target_keys: ['t.me/Channel1', '-1001234567890'],
        message: 'Hello from AutoHub!',
        dry_run: true,
      });
      assert.equal(dry.status, 200, JSON.stringify(dry.body));
      assert.deepEqual(dry.body.targets.map((t: any) => [t.target_key, t.resolves]), [['@channel1', true], ['-1001234567890', true]]);

      const created = await api.post('/api/v1/broadcast', {
        account_id: accountId,
        target_keys: ['@channel1', '-1001234567890'],
        message: 'Hello from AutoHub!',
        schedule_type: 'now',
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const broadcast = await finishedBroadcast(api, created.body.schedule_id);
      assert.deepEqual(broadcast.target_keys, ['@channel1', '-1001234567890']);
      assert.equal(broadcast.last_run.sent, 2);
    });

    it('delivers a broadcast to a t.me link of a seeded channel', async () => {
      const channels = (await api.get(`/api/v1/groups?account_id=${accountId}&type=channel`)).body.groups as any[];
      const seeded = channels.find((c) => c.username !== null && c.key !== '@channel1' && c.key !== '@channel2');
      assert.ok(seeded, 'a seeded channel with a username');
      const link = `https://t.me/${seeded.username.toUpperCase()}`;

      const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: [link], message: 'via a link' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const broadcast = await finishedBroadcast(api, created.body.schedule_id);
      assert.deepEqual(broadcast.target_keys, [seeded.key]);
      assert.deepEqual(broadcast.last_run.results.map((r: any) => [r.target_key, r.status]), [[seeded.key, 'sent']]);

      const filtered = await api.get(`/api/v1/accounts/${accountId}/sandbox/outbox?chat_key=${encodeURIComponent(`t.me/${seeded.username}`)}`);
      assert.equal(filtered.status, 200);
      assert.deepEqual(filtered.body.items.map((i: any) => [i.chat_key, i.text]), [[seeded.key, 'via a link']]);
    });

    it('reads forbidden keys of the sandbox faults in any spelling', async () => {
      const faults = await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { forbidden_keys: ['https://t.me/Channel2'] });
      assert.equal(faults.status, 200, JSON.stringify(faults.body));
      assert.deepEqual(faults.body.faults.forbidden_keys, ['@channel2']);
      try {
        const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: ['channel2', '@channel1'], message: 'one forbidden' });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const broadcast = await finishedBroadcast(api, created.body.schedule_id);
        assert.deepEqual(broadcast.last_run.results.map((r: any) => [r.target_key, r.status]), [['@channel2', 'failed'], ['@channel1', 'sent']]);
      } finally {
        await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { forbidden_keys: [] });
      }
      assertRefused(await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { forbidden_keys: ['no such key!'] }), /forbidden_keys: not a telegram chat key/);
    });

    it('accepts any spelling of a chat as an injected event’s chat_key', async () => {
      const reply = await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, {
        type: 'message',
        chat_key: 'https://t.me/Channel2',
        from: { id: 'u77', username: 'spelling_fan', name: 'Spelling Fan' },
        text: 'hello by link',
      });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      assertRefused(
        await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, { type: 'join', chat_key: 't.me/+invite', user: { id: 'u1' } }),
        /chat_key: not a telegram chat key/,
      );
    });
  });

  describe('on WhatsApp', () => {
    let api: Client;
    let accountId: string;
    before(async function () {
      this.timeout(120_000);
      ({ api, accountId } = await userWithAccount('whatsapp'));
    });

    it('sends to a seeded contact given as a phone number with separators, and refuses its JID beside it', async () => {
      const contacts = (await api.get(`/api/v1/groups?account_id=${accountId}&type=contact`)).body.groups as any[];
      assert.ok(contacts.length > 0);
      const jid: string = contacts[0].key;
      const digits = jid.slice(0, jid.indexOf('@'));
      const phone = `+${digits.slice(0, 2)} ${digits.slice(2, 5)} ${digits.slice(5, 9)}-${digits.slice(9)}`;

      assertRefused(
        await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: [phone, jid], message: 'twice' }),
        new RegExp(`target_keys: "\\${phone}" and "${jid}" name the same chat`),
      );

      const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: [phone], message: 'by phone' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const broadcast = await finishedBroadcast(api, created.body.schedule_id);
      assert.deepEqual(broadcast.target_keys, [jid]);
      assert.equal(broadcast.last_run.sent, 1);
      const outbox = await outboxItems(api, accountId);
      assert.deepEqual(outbox.filter((i) => i.text === 'by phone').map((i) => i.chat_key), [jid]);
      assert.deepEqual(outbox.filter((i) => i.text === 'twice'), []);
    });
  });
});
