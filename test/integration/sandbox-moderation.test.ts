import assert from 'node:assert/strict';
import { MUTE_SAFETY_SECONDS } from '../../src/domain/mute-duration';
import { isModerationUnsupported, isPlatformError, type InboundEvent, type Platform, type PlatformSession } from '../../src/domain/platform-port';
import type { WorldChat } from '../../src/domain/sandbox-world';
import { findAnyAccount } from '../../src/db/repos/accounts.repo';
import { insertInboundEvent, insertWorldMessage, PgSandboxStore } from '../../src/db/repos/sandbox.repo';
import { SandboxDriver } from '../../src/platforms/sandbox/sandbox-driver';
import { eventually, outboxItems, userWithAccount, type Client } from '../support/http';
import { getStack, type Stack } from '../support/stack';

/**
 * Moderation in the simulated platform, through a sandbox session of the driver itself: deletes,
 * mutes and bans land in the account's outbox (read through the API), only in chats the account
 * administers, and a banned or muted member's later messages do not arrive.
 */
describe('sandbox moderation', () => {
  let stack: Stack;
  before(async function () {
    this.timeout(120_000);
    stack = await getStack();
  });

  interface World {
    api: Client;
    accountId: string;
    driver: SandboxDriver;
    session: PlatformSession;
    adminGroup: WorldChat;
    memberGroup: WorldChat;
    received: InboundEvent[];
  }

  async function world(platform: Platform): Promise<World> {
    const { api, accountId } = await userWithAccount(platform);
    const store = new PgSandboxStore(stack.db);
    const driver = new SandboxDriver(store);
    const session = await driver.connect({ id: accountId, platform, phone: null });
    const received: InboundEvent[] = [];
    session.onInbound((event) => void received.push(event));
    const groups = (await store.listChats(accountId)).filter((c) => c.type === 'group');
    const adminGroup = groups.find((c) => c.admin);
    const memberGroup = groups.find((c) => !c.admin);
    assert.ok(adminGroup && memberGroup, 'the seeded world has groups the account administers and groups it does not');
    return { api, accountId, driver, session, adminGroup, memberGroup, received };
  }

  /** A seeded message of `chat`: its id and author. */
  async function seededMessage(accountId: string, chat: WorldChat): Promise<{ messageId: number; fromId: string }> {
    const row = await stack.db('sandbox_messages').where({ account_id: accountId, chat_key: chat.key }).orderBy('message_id').first('message_id', 'from_id');
    assert.ok(row, `${chat.key} has seeded messages`);
    return { messageId: row.message_id, fromId: row.from_id };
  }

  /** Injects a message from `userId` without telling the worker, so only the test's session takes it. */
  async function inject(w: World, chat: WorldChat, userId: string, text: string): Promise<void> {
    const account = (await findAnyAccount(stack.db, w.accountId))!;
    const date = new Date();
    const messageId = await insertWorldMessage(stack.db, account, { chatKey: chat.key, fromId: userId, fromUsername: null, fromName: null, text, date });
    await insertInboundEvent(stack.db, account, { type: 'message', chat_key: chat.key, message_id: messageId, from: { id: userId }, text, date: date.toISOString() });
  }

  const texts = (w: World) => w.received.map((e) => (e.type === 'message' ? e.text : e.type));

  describe('on Telegram', () => {
    let w: World;
    before(async () => {
      w = await world('telegram');
    });

    it('deletes a message in a group the account administers: a delete in the outbox, the message gone', async () => {
      const { messageId, fromId } = await seededMessage(w.accountId, w.adminGroup);
      await w.session.deleteMessage({ chatKey: w.adminGroup.key, messageId });
      const deletes = (await outboxItems(w.api, w.accountId)).filter((i) => i.type === 'delete');
      assert.equal(deletes.length, 1);
      assert.equal(deletes[0].chat_key, w.adminGroup.key);
      assert.equal(deletes[0].reply_to, String(messageId));
      assert.equal(deletes[0].user_id, fromId);
      assert.equal(await stack.db('sandbox_messages').where({ account_id: w.accountId, chat_key: w.adminGroup.key, message_id: messageId }).first(), undefined);
    });

    it('answers forbidden for a delete, mute or ban in a group the account does not administer, recording nothing', async () => {
      const before = (await outboxItems(w.api, w.accountId)).length;
      const { messageId, fromId } = await seededMessage(w.accountId, w.memberGroup);
      const notAdmin = (err: unknown) => isPlatformError(err, 'forbidden') && /not an admin/.test(err.message);
      await assert.rejects(w.session.deleteMessage({ chatKey: w.memberGroup.key, messageId }), notAdmin);
      await assert.rejects(w.session.restrictMember({ chatKey: w.memberGroup.key, userId: fromId, until: null }), notAdmin);
      await assert.rejects(w.session.banMember({ chatKey: w.memberGroup.key, userId: fromId }), notAdmin);
      assert.equal((await outboxItems(w.api, w.accountId)).length, before);
    });

    it('mutes a member with the end moved into Telegram\'s range, and their messages stop until the mute is lifted', async () => {
      const chat = w.adminGroup;
      const startedAt = Date.now();
      const applied = await w.session.restrictMember({ chatKey: chat.key, userId: 'muted-1', until: new Date(Date.now() + 5_000) });
      assert.ok(applied.until && applied.until.getTime() - startedAt >= (30 + MUTE_SAFETY_SECONDS) * 1000, 'a 5 s mute lasts at least 30 s');
      const mutes = (await outboxItems(w.api, w.accountId)).filter((i) => i.type === 'mute');
      assert.deepEqual(mutes.map((i) => [i.chat_key, i.user_id]), [[chat.key, 'muted-1']]);

      await inject(w, chat, 'muted-1', 'spam while muted');
      await inject(w, chat, 'someone-else', 'hello while they are muted');
      await arrival(w, 'hello while they are muted');
      assert.ok(!texts(w).includes('spam while muted'), 'the muted member\'s message did not arrive');

      await w.session.unrestrictMember({ chatKey: chat.key, userId: 'muted-1' });
      await inject(w, chat, 'muted-1', 'back after the mute');
      await arrival(w, 'back after the mute');
    });

    it('bans a member: a ban in the outbox, their messages and joins refused until unbanned', async () => {
      const chat = w.adminGroup;
      await w.session.banMember({ chatKey: chat.key, userId: 'banned-1' });
      const bans = (await outboxItems(w.api, w.accountId)).filter((i) => i.type === 'ban');
      assert.deepEqual(bans.map((i) => [i.chat_key, i.user_id]), [[chat.key, 'banned-1']]);

      await inject(w, chat, 'banned-1', 'spam after the ban');
      const account = (await findAnyAccount(stack.db, w.accountId))!;
      await insertInboundEvent(stack.db, account, { type: 'join', chat_key: chat.key, user: { id: 'banned-1' }, date: new Date().toISOString() });
      await inject(w, chat, 'someone-else', 'hello after the ban');
      await arrival(w, 'hello after the ban');
      assert.ok(!texts(w).includes('spam after the ban'), 'the banned member\'s message did not arrive');
      assert.ok(!texts(w).includes('join'), 'the banned member could not join again');

      await w.session.unbanMember({ chatKey: chat.key, userId: 'banned-1' });
      await inject(w, chat, 'banned-1', 'back after the unban');
      await arrival(w, 'back after the unban');
    });

    it('refuses member actions in a private chat as invalid', async () => {
      const contact = (await new PgSandboxStore(stack.db).listChats(w.accountId)).find((c) => c.type === 'contact')!;
      await assert.rejects(w.session.banMember({ chatKey: contact.key, userId: 'x' }), (err) => isPlatformError(err, 'invalid'));
    });
  });

  describe('on WhatsApp', () => {
    let w: World;
    before(async () => {
      w = await world('whatsapp');
    });

    it('refuses a mute as unsupported and records nothing', async () => {
      await assert.rejects(w.session.restrictMember({ chatKey: w.adminGroup.key, userId: '4915122222222@s.whatsapp.net', until: null }), (err) => isModerationUnsupported(err));
      assert.deepEqual((await outboxItems(w.api, w.accountId)).filter((i) => i.type === 'mute'), []);
    });

    it('removes a member of a group it administers; a removed member is back once added again', async () => {
      const member = '4915122222222@s.whatsapp.net';
      await w.session.banMember({ chatKey: w.adminGroup.key, userId: member });
      const bans = (await outboxItems(w.api, w.accountId)).filter((i) => i.type === 'ban');
      assert.deepEqual(bans.map((i) => [i.chat_key, i.user_id]), [[w.adminGroup.key, member]]);
      await assert.rejects(w.session.banMember({ chatKey: w.memberGroup.key, userId: member }), (err) => isPlatformError(err, 'forbidden'));

      await inject(w, w.adminGroup, member, 'spam after removal');
      const account = (await findAnyAccount(stack.db, w.accountId))!;
      await insertInboundEvent(stack.db, account, { type: 'join', chat_key: w.adminGroup.key, user: { id: member }, date: new Date().toISOString() });
      await inject(w, w.adminGroup, member, 'hello after being added back');
      await arrival(w, 'hello after being added back');
      assert.ok(!texts(w).includes('spam after removal'), 'the removed member\'s message did not arrive');
      assert.ok(texts(w).includes('join'), 'the join arrived');
    });
  });

  /** Hands pending injected events to the test's session until a message with `text` has arrived. */
  async function arrival(w: World, text: string): Promise<void> {
    await eventually(async () => {
      await w.driver.deliverInbound(w.accountId);
      return texts(w).includes(text) ? true : undefined;
    }, 10_000, `the message "${text}"`);
  }
});
