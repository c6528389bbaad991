import assert from 'node:assert/strict';
import { eventually, finishedBroadcast, groupKeys, newSandboxAccount, newUser, outboxItems, userWithAccount, type Client } from '../support/http';
import { pauseSends, reserveSlot } from '../../src/db/repos/pacing.repo';
import { getStack, getTemporalClient } from '../support/stack';
import { nonEmpty } from '../support/assertions';

async function sentTexts(api: Client, accountId: string, text: string): Promise<any[]> {
  return (await outboxItems(api, accountId)).filter((i: any) => i.text === text);
}

/**
 * Sends go out at or after their slots, which are `gapMs` apart; the first send may itself have
 * gone out late, so the n-th send is at least n gaps after the first, less half a gap of slack.
 */
function assertSpacing(times: number[], gapMs: number): void {
  for (let i = 1; i < times.length; i++) {
    const span = times[i]! - times[0]!;
    assert.ok(span >= i * gapMs - gapMs / 2, `send ${i + 1} went out ${span} ms after the first; slots are ${gapMs} ms apart`);
  }
}

describe('per-account pacing', () => {
  let api: Client;
  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser());
  });

  it('shows and changes the budget of an account', async () => {
    const accountId = await newSandboxAccount(api);
    const changed = await api.put(`/api/v1/accounts/${accountId}/limits`, { min_gap_seconds: 0.5, jitter_seconds: 0.25, per_minute: 30, per_day: 1000 });
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.body.budget.limits, { min_gap_seconds: 0.5, jitter_seconds: 0.25, per_minute: 30, per_day: 1000 });
    const account = (await api.get(`/api/v1/accounts/${accountId}`)).body.account;
    assert.deepEqual(account.budget.limits, changed.body.budget.limits);
    assert.equal(account.status, 'connected');
    for (const body of [{}, { per_minute: -1 }, { min_gap_seconds: 'slow' }, { per_day: 1.5 }]) {
      assert.equal((await api.put(`/api/v1/accounts/${accountId}/limits`, body)).status, 400, JSON.stringify(body));
    }
    const other = await newUser();
    const foreign = await other.api.put(`/api/v1/accounts/${accountId}/limits`, { per_day: 1 });
    assert.equal(foreign.status, 404);
    assert.deepEqual(foreign.body, { error: 'not found' });
    const own = await api.get(`/api/v1/accounts/${accountId}`);
    assert.equal(own.status, 200);
    assert.deepEqual(own.body.account.budget.limits, changed.body.budget.limits, 'the other user must not have changed the budget');
  });

  it('sends in target order with at least the minimum gap between sends', async function () {
    this.timeout(30_000);
    const accountId = await newSandboxAccount(api);
    await api.put(`/api/v1/accounts/${accountId}/limits`, { min_gap_seconds: 0.4 });
    const targets = await groupKeys(api, accountId, 4);
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'paced' });
    await finishedBroadcast(api, created.body.schedule_id);
    const sent = await sentTexts(api, accountId, 'paced');
    assert.deepEqual(sent.map((i) => i.chat_key), targets);
    assertSpacing(sent.map((i) => Date.parse(i.at)), 400);
    const budget = (await api.get(`/api/v1/accounts/${accountId}`)).body.account.budget;
    assert.equal(budget.sent_today, 4);
    assert.ok(budget.next_send_at);
  });

  it('keeps each send on its reserved slot across durable timers: slots min_gap to min_gap + jitter apart, sends on them', async function () {
    this.timeout(60_000);
    const { db, config } = await getStack();
    const accountId = await newSandboxAccount(api);
    // Every wait is longer than the activity's inline limit: each send goes through a workflow timer.
    const limits = { min_gap_seconds: 1.2, jitter_seconds: 0.4 };
    assert.ok(limits.min_gap_seconds * 1000 > config.pacingInlineWaitMs);
    await api.put(`/api/v1/accounts/${accountId}/limits`, limits);
    const targets = await groupKeys(api, accountId, 5);
    const estimate = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'on its slot', dry_run: true });
    assert.equal(estimate.status, 200);
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'on its slot' });
    const broadcast = await finishedBroadcast(api, created.body.schedule_id, 45_000);
    assert.equal(broadcast.last_run.status, 'completed');

    const rows: Array<{ target_key: string; slot: Date }> = await db('deliveries as d')
      .join('broadcast_runs as r', 'r.id', 'd.run_id')
      .join('send_slots as s', 's.client_message_id', db.raw('d.client_message_id::text'))
      .where('r.workflow_id', broadcast.last_run.workflow_id)
      .orderBy('d.position')
      .select('d.target_key', 's.at as slot');
    assert.deepEqual(rows.map((r) => r.target_key), targets);
    const sent = new Map((await sentTexts(api, accountId, 'on its slot')).map((i) => [i.chat_key, Date.parse(i.at)]));
    assert.equal(sent.size, targets.length);
    for (let i = 0; i < rows.length; i++) {
      const slot = rows[i]!.slot.getTime();
      assert.ok(sent.get(rows[i]!.target_key)! >= slot - 20, `${rows[i]!.target_key} went out before its slot`);
      if (i === 0) continue;
      const gap = slot - rows[i - 1]!.slot.getTime();
      assert.ok(gap >= 1_200 && gap < 1_600, `slot ${i + 1} is ${gap} ms after the previous one; the budget says 1200–1600 ms`);
    }
    const times = targets.map((t) => sent.get(t)!);
    assert.ok(times[4]! - times[0]! >= 0.8 * estimate.body.estimated_duration_seconds * 1000, 'the run took less than its estimate allows');

    const history = await (await getTemporalClient()).workflow.getHandle(broadcast.last_run.workflow_id).fetchHistory();
    const timers = history.events!.filter((e) => e.timerStartedEventAttributes).length;
    assert.ok(timers >= 1, 'no wait went through a durable timer');
  });

  it('answers a send the slot it was given until a pause covers it', async () => {
    const { db } = await getStack();
    const accountId = await newSandboxAccount(api);
    await api.put(`/api/v1/accounts/${accountId}/limits`, { min_gap_seconds: 30, jitter_seconds: 0 });
    const first = await reserveSlot(db, accountId, `slot-test-a-${accountId}`);
    const second = await reserveSlot(db, accountId, `slot-test-b-${accountId}`);
    assert.equal(second.at.getTime() - first.at.getTime(), 30_000);
    assert.equal((await reserveSlot(db, accountId, `slot-test-b-${accountId}`)).at.getTime(), second.at.getTime());
    // A FloodWait that ends after b's slot: b gets a new slot after the pause, not the one inside it.
    const until = new Date(second.at.getTime() + 5_000);
    await pauseSends(db, accountId, until);
    const moved = await reserveSlot(db, accountId, `slot-test-b-${accountId}`);
    assert.ok(moved.at.getTime() >= until.getTime());
  });

  it('holds the per-day cap across concurrent runs, deferring the rest to the next UTC day', async function () {
    this.timeout(30_000);
    const { db } = await getStack();
    const accountId = await newSandboxAccount(api);
    await api.put(`/api/v1/accounts/${accountId}/limits`, { per_day: 4 });
    const [a, b] = [await groupKeys(api, accountId, 3), (await groupKeys(api, accountId, 6)).slice(3)];
    const first = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: a, message: 'capped' });
    const second = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: b, message: 'capped' });
    const tomorrow = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z').getTime() + 86_400_000;
    // Four sends go out today; whichever run asks next gets a slot tomorrow and waits for it.
    const deferred = await eventually(async () => {
      const slots: Array<{ at: Date }> = await db('send_slots').where({ account_id: accountId }).select('at');
      const later = slots.filter((s) => s.at.getTime() >= tomorrow);
      return later.length > 0 && (await sentTexts(api, accountId, 'capped')).length === 4 ? later : undefined;
    }, 20_000, 'four sends today and the next one deferred to tomorrow');
    assert.ok(deferred.length >= 1);
    const pending = await db('deliveries as d')
      .join('broadcast_runs as r', 'r.id', 'd.run_id')
      .whereIn('r.broadcast_id', [first.body.schedule_id, second.body.schedule_id])
      .where('d.status', 'pending')
      .count<{ n: number }[]>('* as n');
    assert.equal(Number(pending[0]!.n), 2);
    assert.equal((await sentTexts(api, accountId, 'capped')).length, 4);
    await api.delete(`/api/v1/broadcast/${first.body.schedule_id}`);
    await api.delete(`/api/v1/broadcast/${second.body.schedule_id}`);
  });

  it('shares one budget between concurrent runs of the same account', async function () {
    this.timeout(30_000);
    const accountId = await newSandboxAccount(api);
    await api.put(`/api/v1/accounts/${accountId}/limits`, { min_gap_seconds: 0.3 });
    const [a, b] = [await groupKeys(api, accountId, 3), (await groupKeys(api, accountId, 6)).slice(3)];
    const first = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: a, message: 'shared budget' });
    const second = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: b, message: 'shared budget' });
    await finishedBroadcast(api, first.body.schedule_id);
    await finishedBroadcast(api, second.body.schedule_id);
    const times = (await sentTexts(api, accountId, 'shared budget')).map((i) => Date.parse(i.at)).sort((x, y) => x - y);
    assert.equal(times.length, 6);
    assertSpacing(times, 300);
  });

  it('pauses every send of the account for a FloodWait and then resumes them', async function () {
    this.timeout(45_000);
    const accountId = await newSandboxAccount(api);
    const targets = await groupKeys(api, accountId, 4);
    await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { flood_wait_seconds: 3, flood_wait_sends: 1 });
    const faultAt = Date.now();
    const first = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets.slice(0, 2), message: 'flooded' });
    const paused = await eventually(async () => {
      const budget = (await api.get(`/api/v1/accounts/${accountId}`)).body.account.budget;
      return budget.paused_until ?? undefined;
    }, 10_000, 'the account to be paused');
    assert.ok(Date.parse(paused) >= faultAt + 2_500);
    const second = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets.slice(2), message: 'flooded' });
    await finishedBroadcast(api, first.body.schedule_id, 30_000);
    await finishedBroadcast(api, second.body.schedule_id, 30_000);
    const sent = await sentTexts(api, accountId, 'flooded');
    assert.equal(sent.length, 4);
    for (const item of sent) assert.ok(Date.parse(item.at) >= Date.parse(paused) - 50, `${item.chat_key} was sent during the pause`);
  });

  it('marks the account restricted on PEER_FLOOD, fails the remaining targets and refuses new broadcasts', async function () {
    this.timeout(30_000);
    const accountId = await newSandboxAccount(api);
    const targets = await groupKeys(api, accountId, 3);
    await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { peer_flood: true });
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'restricted' });
    const broadcast = await finishedBroadcast(api, created.body.schedule_id);
    assert.equal(broadcast.last_run.status, 'failed');
    assert.equal(broadcast.last_run.sent, 0);
    assert.equal(broadcast.last_run.failed, 3);
    assert.match(broadcast.last_run.error, /restricted.*PEER_FLOOD/);
    assert.ok(nonEmpty(broadcast.last_run.results).every((r: any) => r.status === 'failed' && /restricted|PEER_FLOOD/.test(r.error)));
    assert.equal((await sentTexts(api, accountId, 'restricted')).length, 0);
    const account = (await api.get(`/api/v1/accounts/${accountId}`)).body.account;
    assert.equal(account.status, 'restricted');
    assert.equal(account.connected, false);
    const refused = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'again' });
    assert.equal(refused.status, 409);
    assert.match(refused.body.error, /restricted/);
  });
});

describe('dry runs', () => {
  let api: Client;
  let accountId: string;
  before(async function () {
    this.timeout(120_000);
    ({ api, accountId } = await userWithAccount());
  });

  it('answers per target and sends and stores nothing', async () => {
    await api.put(`/api/v1/accounts/${accountId}/limits`, { min_gap_seconds: 2, jitter_seconds: 0 });
    await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { forbidden_keys: ['@channel2'] });
    const template = await api.post('/api/templates', { name: 'dry', content: 'Hi {{name}} from {{account}}' });
    const reply = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel1', '-1001234567890', '@nobody_here_at_all'],
      template_id: template.body.id,
      dry_run: true,
    });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.dry_run, true);
    const [channel, group, unknown] = reply.body.targets;
    assert.deepEqual(
      { ...channel },
      { target_key: '@channel1', resolves: true, writable: true, type: 'channel', title: 'Channel One', members: 1520, message: 'Hi Channel One from Sandbox telegram' },
    );
    assert.equal(group.type, 'group');
    assert.equal(group.message, 'Hi Example Group from Sandbox telegram');
    assert.equal(unknown.resolves, false);
    assert.match(unknown.error, /not found/);
    // Two writable targets, 2 s apart: about 2 s.
    assert.ok(reply.body.estimated_duration_seconds >= 1.9 && reply.body.estimated_duration_seconds < 10, String(reply.body.estimated_duration_seconds));
    const outbox = (await api.get(`/api/v1/accounts/${accountId}/sandbox/outbox`)).body;
    assert.equal(outbox.count, 0);
    assert.equal((await api.get('/api/v1/broadcasts')).body.count, 0);
  });

  it('validates a dry run like a real broadcast', async () => {
    const reply = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: [], message: 'x', dry_run: true });
    assert.equal(reply.status, 400);
  });
});
