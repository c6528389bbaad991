import assert from 'node:assert/strict';
import { pruneInboundEvents } from '../../src/db/repos/inbound-events.repo';
import { hastenPendingStart } from '../../src/db/repos/temporal-outbox.repo';
import { receiveInboundEvent } from '../../src/services/inbound-events';
import { inboundEventWorkflowId } from '../../src/workflows/shared';
import { eventually, newSandboxAccount, newUser, type Client } from '../support/http';
import { getStack, getTemporalClient } from '../support/stack';

describe('the durable inbound pipeline', () => {
  let api: Client;
  let accountId: string;

  before(async function () {
    this.timeout(120_000);
    ({ api } = await newUser());
    accountId = await newSandboxAccount(api);
  });

  const storedEvents = async () => (await getStack()).db('inbound_events').where({ account_id: accountId }).orderBy('id');

  it('stores an injected message once, then acts on it in the worker at once, its workflow start cancelled', async function () {
    this.timeout(30_000);
    const injected = await api.post(`/api/v1/accounts/${accountId}/sandbox/inbound`, {
      type: 'message',
      chat_key: '@channel1',
      from: { id: 'u-pipeline', username: 'piper', name: 'Piper' },
      text: 'hello pipeline',
    });
    assert.equal(injected.status, 201, JSON.stringify(injected.body));
    const processed = await eventually(async () => {
      const rows = await storedEvents();
      const row = rows.find((r) => r.payload.text === 'hello pipeline');
      return row?.processed_at ? row : undefined;
    }, 20_000, 'the event to be stored and processed');
    assert.equal(processed.type, 'message');
    assert.equal(processed.chat_key, '@channel1');
    assert.match(processed.event_key, /^message:@channel1:\d+$/);
    // The worker did all there was to do, so the workflow start it held back is gone and never went out.
    const { db } = await getStack();
    const workflowId = inboundEventWorkflowId(Number(processed.id));
    await eventually(async () => ((await db('temporal_outbox').where({ subject: workflowId }).first()) ? undefined : true), 20_000, 'the start to go');
    await assert.rejects((await getTemporalClient()).workflow.getHandle(workflowId).describe(), /not found/i);
    // The sandbox counts it delivered only once the pipeline has it.
    const injection = await db('sandbox_inbound').where({ id: Number(injected.body.event_id) }).first();
    assert.ok(injection.delivered_at, 'the injection is marked delivered');
  });

  it('stores an event delivered twice once, and enqueues its workflow once', async () => {
    const { db, config } = await getStack();
    const event = {
      type: 'join' as const,
      accountId,
      chatKey: '@channel2',
      user: { id: 'u-twice', username: 'twice', name: null },
      date: new Date('2026-12-01T10:00:00Z'),
    };
    const options = { namespace: config.temporal.namespace, sessionShards: config.sessionShards };
    const first = await receiveInboundEvent(db, options, event);
    assert.equal(typeof first, 'number');
    assert.equal(await receiveInboundEvent(db, options, { ...event }), undefined);
    const rows = (await storedEvents()).filter((r) => r.payload.user?.id === 'u-twice');
    assert.equal(rows.length, 1);
    const starts = await db('temporal_outbox').where({ subject: inboundEventWorkflowId(first!) });
    assert.ok(starts.length <= 1, 'one start enqueued at most (none once it went out)');
    // The start goes out on the outbox's next sweep (nothing kicked it here).
    const handle = (await getTemporalClient()).workflow.getHandle(inboundEventWorkflowId(first!));
    await eventually(async () => (await handle.describe().catch(() => undefined)) && true, 20_000, 'the workflow to start');
    assert.deepEqual(await handle.result(), { sent: 0, runs: 0 });
  });

  it('leaves an event nobody acted on to its workflow once the held-back start is due, which answers it', async function () {
    this.timeout(30_000);
    const { db, config } = await getStack();
    const rule = await api.post('/api/auto-replies', { keyword: 'fallback', response: 'answered by the workflow', cooldown_seconds: 0 });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const group = (await api.get(`/api/v1/groups?account_id=${accountId}&type=group`)).body.groups[0].key as string;
    // Stored as the worker stores it, but no worker acts on it: it stands for one that died right after.
    const options = { namespace: config.temporal.namespace, sessionShards: config.sessionShards, handoverDelayMs: 3_600_000 };
    const event = { type: 'message' as const, accountId, chatKey: group, messageId: 987_654, from: { id: 'u-orphan', username: null, name: 'Orphan' }, text: 'fallback please', date: new Date() };
    const id = await receiveInboundEvent(db, options, event);
    assert.equal(typeof id, 'number');
    const workflowId = inboundEventWorkflowId(id!);
    const [start] = await db('temporal_outbox').where({ subject: workflowId }).where('next_attempt_at', '>', db.fn.now());
    assert.ok(start, 'the start is held back');
    assert.equal((await db('inbound_events').where({ id }).first()).processed_at, null);
    // The delay runs out: the outbox's next sweep starts the workflow, which does everything.
    assert.equal(await hastenPendingStart(db, config.temporal.namespace, workflowId), true);
    const handle = (await getTemporalClient()).workflow.getHandle(workflowId);
    await eventually(async () => (await handle.describe().catch(() => undefined)) && true, 20_000, 'the workflow to start');
    assert.deepEqual(await handle.result(), { sent: 1, runs: 1 });
    const replies = (await db('sandbox_outbox').where({ account_id: accountId, text: 'answered by the workflow' })).length;
    assert.equal(replies, 1);
    await api.delete(`/api/auto-replies/${rule.body.rule.id}`);
  });

  it('prunes processed events past the retention, keeping unprocessed ones and the automation log', async () => {
    const { db } = await getStack();
    const old = { account_id: accountId, type: 'message', chat_key: '@channel1', payload: JSON.stringify({ text: 'old' }) };
    const [processed] = await db('inbound_events')
      .insert({ ...old, event_key: 'prune:processed', received_at: db.raw("now() - interval '40 days'"), processed_at: db.raw("now() - interval '40 days'") })
      .returning('id');
    const [pending] = await db('inbound_events')
      .insert({ ...old, event_key: 'prune:pending', received_at: db.raw("now() - interval '40 days'") })
      .returning('id');
    const [recent] = await db('inbound_events').insert({ ...old, event_key: 'prune:recent', processed_at: db.fn.now() }).returning('id');
    const owner = await db('accounts').where({ id: accountId }).first('user_id');
    await db('automation_log').insert({
      user_id: owner.user_id,
      account_id: accountId,
      inbound_event_id: processed.id,
      feature: 'auto_reply',
      chat_key: '@channel1',
      action: 'send',
      result: 'enqueued',
    });

    assert.ok((await pruneInboundEvents(db, 30)) >= 1);
    const left = (await db('inbound_events').whereIn('id', [processed.id, pending.id, recent.id]).select('id')).map((r) => Number(r.id));
    assert.deepEqual(left.sort(), [Number(pending.id), Number(recent.id)].sort());
    const line = await db('automation_log').where({ account_id: accountId, chat_key: '@channel1', result: 'enqueued' }).first();
    assert.equal(line.inbound_event_id, null, 'the log line stays, without its event');
  });
});
