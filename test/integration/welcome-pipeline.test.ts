import assert from 'node:assert/strict';
import { PgSandboxStore } from '../../src/db/repos/sandbox.repo';
import type { WorldChat } from '../../src/domain/sandbox-world';
import { processInboundEvent } from '../../src/services/inbound-pipeline';
import { inboundRevisit, inboundStages } from '../../src/services/inbound-stages';
import { outboxItems, userWithAccount, type Client } from '../support/http';
import { injectAndSettle, type InjectedPerson } from '../support/inbound';
import { getStack } from '../support/stack';

/**
 * Welcome and goodbye through the inbound pipeline: joins and leaves injected into sandbox
 * groups are greeted (a burst in one message) and seen off, as the owner's configs say.
 */
describe('welcome and goodbye through the inbound pipeline', () => {
  let api: Client;
  let accountId: string;
  let groups: WorldChat[];

  beforeEach(async function () {
    this.timeout(60_000);
    ({ api, accountId } = await userWithAccount());
    groups = (await new PgSandboxStore((await getStack()).db).listChats(accountId)).filter((c) => c.type === 'group');
    assert.ok(groups.length >= 3, 'the seeded world has groups');
  });

  async function configure(config: object): Promise<void> {
    const saved = await api.post('/api/welcome-messages', config);
    assert.ok(saved.status === 201 || saved.status === 200, JSON.stringify(saved.body));
  }

  const join = (chat: WorldChat, user: InjectedPerson) => injectAndSettle(api, accountId, { type: 'join', chat_key: chat.key, user });
  const messagesIn = async (chat: WorldChat) => (await outboxItems(api, accountId)).filter((i) => i.type === 'message' && i.chat_key === chat.key);

  it("greets a join with the reference's _default config, once, even when the join is processed again", async function () {
    this.timeout(60_000);
    await configure({ group_id: '_default', welcome_text: 'Welcome {{name}}!', welcome_enabled: true });
    const group = groups[0]!;
    const joined = await join(group, { id: 'u-ann', name: 'Ann', username: 'ann' });
    assert.deepEqual(joined.result, { sent: 1, runs: 1 });
    assert.deepEqual(
      (await messagesIn(group)).map((m) => m.text),
      ['Welcome Ann!'],
    );
    // Processing the same join again (a retried activity, a re-run workflow) greets nobody again.
    const { db } = await getStack();
    const again = await processInboundEvent(db, joined.eventId, inboundStages(), inboundRevisit());
    assert.deepEqual(again, { moderation: [], runs: [], wakeAt: null });
    assert.equal((await messagesIn(group)).length, 1);
    const log = await api.get(`/api/automation/log?feature=welcome`);
    assert.equal(log.status, 200);
    assert.deepEqual(
      log.body.entries.map((e: { action: string; result: string; user_id: string }) => [e.action, e.result, e.user_id]),
      [['welcome', 'sent', 'u-ann']],
    );
    const events = await db('events').where({ account_id: accountId, type: 'welcome.sent' });
    assert.equal(events.length, 1);
  });

  it("says goodbye on a leave with the group's own config, whose {{group}} is the chat's title", async function () {
    this.timeout(60_000);
    const [own, other] = groups;
    await configure({ group_id: own!.key, goodbye_text: 'Bye {{name}}, thanks for being in {{group}}' });
    const left = await injectAndSettle(api, accountId, { type: 'leave', chat_key: own!.key, user: { id: 'u-bob', name: 'Bob' } });
    assert.deepEqual(left.result, { sent: 1, runs: 1 });
    assert.deepEqual(
      (await messagesIn(own!)).map((m) => m.text),
      [`Bye Bob, thanks for being in ${own!.title}`],
    );
    // The config is that group's: a join there gets no welcome (none is set), a leave elsewhere no goodbye.
    await join(own!, { id: 'u-cy', name: 'Cy' });
    await injectAndSettle(api, accountId, { type: 'leave', chat_key: other!.key, user: { id: 'u-bob', name: 'Bob' } });
    assert.equal((await messagesIn(own!)).length, 1);
    assert.equal((await messagesIn(other!)).length, 0);
  });

  it('greets a burst of joins with one message naming them, after greeting the first ones alone', async function () {
    this.timeout(60_000);
    const group = groups[1]!;
    await configure({ group_id: '_default', welcome_text: 'Welcome {{name}}!', burst_joins: 2, burst_window_seconds: 2 });
    const names = ['Ann', 'Bob', 'Cat', 'Dan', 'Eve'];
    const results = await Promise.all(names.map((name) => join(group, { id: `u-${name.toLowerCase()}`, name })));
    const sent = results.reduce((sum, r) => sum + (r.result as { sent: number }).sent, 0);
    const texts = (await messagesIn(group)).map((m) => m.text as string);
    assert.equal(sent, texts.length);
    // However the joins interleaved, the first two were greeted alone and the rest in one message.
    assert.equal(texts.length, 3, JSON.stringify(texts));
    const group3 = texts.find((t) => t.includes(' and '));
    assert.ok(group3, JSON.stringify(texts));
    const named = names.filter((n) => texts.some((t) => t.includes(n)));
    assert.deepEqual(named, names, 'everyone is greeted');
    const { db } = await getStack();
    const greetings = await db('welcome_greetings').where({ account_id: accountId });
    assert.equal(greetings.length, 5, 'each join is covered by exactly one greeting');
  });

  it("deletes the chat's previous welcome on Telegram when delete_previous is on", async function () {
    this.timeout(60_000);
    const group = groups[2]!;
    await configure({ group_id: group.key, welcome_text: 'Hi {{name}}', delete_previous: true, burst_window_seconds: 0 });
    await join(group, { id: 'u-first', name: 'First' });
    const [first] = await messagesIn(group);
    await join(group, { id: 'u-second', name: 'Second' });
    const items = (await outboxItems(api, accountId)).filter((i) => i.chat_key === group.key);
    assert.deepEqual(
      items.map((i) => [i.type, i.text ?? i.reply_to]),
      [
        ['message', 'Hi First'],
        ['delete', first.id],
        ['message', 'Hi Second'],
      ],
    );
  });
});
