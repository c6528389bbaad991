import assert from 'node:assert/strict';
import { isolatedAutoHub, type AutoHubProcess } from '../support/crash-scenario';
import { eventually } from '../support/http';
import { scratchDatabase, type ScratchDatabase } from './login-stack';

/**
 * An AutoHub process (API + worker) on a database of its own — so the suite's worker never sees
 * its sandbox account — killed with SIGKILL while an auto-reply is under way, then started again.
 */
describe('an inbound event whose worker is killed before its reply is out', function () {
  this.timeout(180_000);
  let scratch: ScratchDatabase;
  let hub: AutoHubProcess;
  let remove: () => void;

  before(async () => {
    scratch = await scratchDatabase('autohub_inbound_crash');
    ({ hub, remove } = await isolatedAutoHub(scratch.url));
    await hub.start();
  });

  after(async () => {
    await hub?.stop();
    remove?.();
    await scratch?.drop();
  });

  it('is answered exactly once after the restart', async () => {
    const account = await hub.request('/api/v1/accounts', { method: 'POST', body: { platform: 'telegram', name: 'Inbound crash', sandbox: true } });
    assert.equal(account.status, 201, JSON.stringify(account.body));
    const accountId: string = account.body.account.id;
    const rule = await hub.request('/api/auto-replies', { method: 'POST', body: { keyword: 'ping', response: 'pong after the crash', cooldown_seconds: 0 } });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    // The reply's first attempt meets a FloodWait of 6 s, long enough to kill the worker while it waits.
    const faults = await hub.request(`/api/v1/accounts/${accountId}/sandbox/faults`, { method: 'PUT', body: { flood_wait_seconds: 6, flood_wait_sends: 1 } });
    assert.equal(faults.status, 200, JSON.stringify(faults.body));
    const group = (await hub.request(`/api/v1/groups?account_id=${accountId}&type=group`)).body.groups[0].key as string;
    const injected = await hub.request(`/api/v1/accounts/${accountId}/sandbox/inbound`, {
      method: 'POST',
      body: { type: 'message', chat_key: group, from: { id: 'u-crash', username: 'crash_victim' }, text: 'ping?' },
    });
    assert.equal(injected.status, 201, JSON.stringify(injected.body));

    // The event is stored and its reply enqueued (and attempted: the account's sends are paused) before the kill.
    const { db } = scratch;
    await eventually(
      async () => {
        const paused = await db('account_pacing').where({ account_id: accountId }).where('paused_until', '>', db.fn.now()).first();
        const pending = await db('deliveries as d')
          .join('send_runs as r', 'r.id', 'd.run_id')
          .where({ 'r.account_id': accountId, 'r.origin': 'auto_reply', 'd.status': 'pending' })
          .first();
        return paused && pending ? true : undefined;
      },
      30_000,
      'the reply to be enqueued and held back by the FloodWait',
    );
    const repliesBefore = await db('sandbox_outbox').where({ account_id: accountId, text: 'pong after the crash' });
    assert.deepEqual(repliesBefore, [], 'the FloodWait holds the reply back');
    await hub.kill();
    await hub.start();

    const replies = await eventually(
      async () => {
        const rows = await db('sandbox_outbox').where({ account_id: accountId, text: 'pong after the crash' });
        return rows.length > 0 ? rows : undefined;
      },
      90_000,
      'the reply after the restart',
    );
    // Let the restarted worker finish the event's workflow before counting for good.
    const event = await db('inbound_events').where({ account_id: accountId }).first();
    assert.ok(event?.processed_at, 'the event was processed');
    await eventually(
      async () => ((await db('send_runs').where({ account_id: accountId, origin: 'auto_reply' }).first())?.status === 'completed' ? true : undefined),
      60_000,
      'the reply run to close',
    );
    const final = await db('sandbox_outbox').where({ account_id: accountId, text: 'pong after the crash' });
    assert.equal(replies.length, 1);
    assert.equal(final.length, 1, 'exactly one reply');
    assert.equal((await db('inbound_events').where({ account_id: accountId })).length, 1, 'the event stored once');
  });

  it('holds its cooldowns and bans across a restart', async () => {
    const { db } = scratch;
    const account = await hub.request('/api/v1/accounts', { method: 'POST', body: { platform: 'telegram', name: 'Restart memory', sandbox: true } });
    assert.equal(account.status, 201, JSON.stringify(account.body));
    const accountId: string = account.body.account.id;
    const [group, otherGroup] = await db('sandbox_chats').where({ account_id: accountId, type: 'group', admin: true }).orderBy('key').pluck('key');
    assert.ok(group && otherGroup, 'the account administers two groups');
    const rule = await hub.request('/api/auto-replies', { method: 'POST', body: { keyword: 'hello', response: 'hello once an hour', cooldown_seconds: 3600 } });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const config = await hub.request('/api/antispam/config', { method: 'PUT', body: { banned_words: ['spamword'], action: 'ban' } });
    assert.equal(config.status, 200, JSON.stringify(config.body));

    /** Injects a message and answers its stored event once the pipeline has processed it. */
    const say = async (chatKey: string, fromId: string, text: string) => {
      const injected = await hub.request(`/api/v1/accounts/${accountId}/sandbox/inbound`, {
        method: 'POST',
        body: { type: 'message', chat_key: chatKey, from: { id: fromId }, text },
      });
      assert.equal(injected.status, 201, JSON.stringify(injected.body));
      return eventually(
        async () => (await db('inbound_events').where({ account_id: accountId, sender_id: fromId }).whereRaw("payload->>'text' = ?", [text]).whereNotNull('processed_at').first()) ?? undefined,
        60_000,
        `"${text}" to be processed`,
      );
    };
    const repliesTo = (eventId: number) => db('send_runs').where({ account_id: accountId }).whereLike('business_key', `inbound:${eventId}:%`);

    const greeted = await say(group, 'u-regular', 'hello all');
    assert.equal((await repliesTo(Number(greeted.id))).length, 1, 'the first hello is answered');
    await say(group, 'u-spammer', 'buy spamword now');
    await eventually(async () => ((await db('antispam_bans').where({ platform_user_id: 'u-spammer' }).first()) ? true : undefined), 30_000, 'the ban');

    await hub.kill();
    await hub.start();

    const again = await say(group, 'u-regular', 'hello again');
    assert.deepEqual(await repliesTo(Number(again.id)), [], 'the cooldown held across the restart');
    const elsewhere = await say(otherGroup, 'u-spammer', 'an innocent message');
    const actions = await eventually(
      async () => {
        const rows = await db('automation_log').where({ inbound_event_id: elsewhere.id, feature: 'antispam' }).orderBy('id').pluck('action');
        return rows.length === 2 ? rows : undefined;
      },
      30_000,
      "the banned sender's message to be acted on",
    );
    assert.deepEqual(actions, ['delete', 'ban'], 'the ban held across the restart');
  });
});
