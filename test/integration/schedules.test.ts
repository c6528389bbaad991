import { ScheduleNotFoundError } from '@temporalio/client';
import assert from 'node:assert/strict';
import { eventually, finishedBroadcast, newSandboxAccount, newUser, userWithAccount, type Client } from '../support/http';
import { getStack, getTemporalClient } from '../support/stack';
import { nonEmpty } from '../support/assertions';

const runsOf = async (api: Client, id: string): Promise<any[]> => {
  const reply = await api.get(`/api/v1/broadcast/${id}`);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.broadcast.runs;
};

describe('recurring broadcasts (Temporal Schedules)', () => {
  let api: Client;
  let accountId: string;
  before(async function () {
    this.timeout(120_000);
    ({ api, accountId } = await userWithAccount());
  });

  it('creates an interval schedule with the right spec, visible in Temporal', async () => {
    const created = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel1'],
      message: 'every two hours',
      schedule_type: 'interval',
      interval_minutes: 120,
      name: 'My 2hr Campaign',
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.message, 'Broadcast scheduled for telegram.');
    assert.ok(created.body.next_run_at);
    const id = created.body.schedule_id;
    const description = await (await getTemporalClient()).schedule.getHandle(`broadcast-${id}`).describe();
    assert.equal(description.spec.intervals?.[0]?.every, 120 * 60_000);
    assert.equal(description.policies.overlap, 'SKIP');
    assert.equal(description.state.paused, false);
    assert.equal(description.action.type, 'startWorkflow');
    const got = (await api.get(`/api/v1/broadcast/${id}`)).body.broadcast;
    assert.equal(got.name, 'My 2hr Campaign');
    assert.equal(got.schedule_type, 'interval');
    assert.equal(got.interval_minutes, 120);
    assert.equal(got.enabled, true);
    assert.ok(Date.parse(got.next_run_at) > Date.now());
    assert.equal(got.last_run, null);
  });

  it('creates a daily schedule in a time zone', async () => {
    const created = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel1'],
      message: 'good morning',
      schedule_type: 'daily',
      daily_time: '09:30',
      timezone: 'Europe/Berlin',
    });
    assert.equal(created.status, 201);
    const description = await (await getTemporalClient()).schedule.getHandle(`broadcast-${created.body.schedule_id}`).describe();
    assert.equal(description.spec.timezone, 'Europe/Berlin');
    const calendar = description.spec.calendars?.[0] as any;
    assert.deepEqual([calendar.hour[0].start, calendar.minute[0].start], [9, 30]);
    const next = new Date(created.body.next_run_at);
    const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(next);
    assert.equal(berlin, '09:30');
    const got = (await api.get(`/api/v1/broadcast/${created.body.schedule_id}`)).body.broadcast;
    assert.deepEqual([got.daily_time, got.timezone], ['09:30', 'Europe/Berlin']);
  });

  it('defaults the daily time zone to UTC', async () => {
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: ['@channel1'], message: 'x', schedule_type: 'daily', daily_time: '23:05' });
    const got = (await api.get(`/api/v1/broadcast/${created.body.schedule_id}`)).body.broadcast;
    assert.equal(got.timezone, 'UTC');
    assert.equal(new Date(got.next_run_at).toISOString().slice(11, 16), '23:05');
  });

  it('rejects invalid schedule settings', async () => {
    const base = { account_id: accountId, target_keys: ['@channel1'], message: 'x' };
    const cases: Array<[object, RegExp]> = [
      [{ schedule_type: 'interval' }, /interval_minutes is required/],
      [{ schedule_type: 'interval', interval_minutes: 0 }, /interval_minutes/],
      [{ schedule_type: 'interval', interval_minutes: -5 }, /interval_minutes/],
      [{ schedule_type: 'interval', interval_minutes: 0.001 }, /at least 1 second/],
      [{ schedule_type: 'interval', interval_minutes: 'often' }, /interval_minutes/],
      [{ schedule_type: 'daily' }, /daily_time is required/],
      [{ schedule_type: 'daily', daily_time: '25:00' }, /daily_time must be HH:MM/],
      [{ schedule_type: 'daily', daily_time: '9:30' }, /daily_time must be HH:MM/],
      [{ schedule_type: 'daily', daily_time: '09:30', timezone: 'Mars/Olympus' }, /not an IANA time zone/],
      [{ schedule_type: 'now', interval_minutes: 5 }, /apply only to interval and daily/],
      [{ schedule_type: 'interval', interval_minutes: 5, daily_time: '09:30' }, /apply only to daily/],
    ];
    for (const [extra, pattern] of cases) {
      const reply = await api.post('/api/v1/broadcast', { ...base, ...extra });
      assert.equal(reply.status, 400, JSON.stringify(extra));
      assert.match(reply.body.error, pattern, JSON.stringify(extra));
    }
  });

  it('fires a fractional-minute interval schedule repeatedly', async function () {
    this.timeout(60_000);
    const created = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel2'],
      message: 'tick',
      schedule_type: 'interval',
      interval_minutes: 0.05,
    });
    const id = created.body.schedule_id;
    const runs = await eventually(async () => {
      const list = await runsOf(api, id);
      return list.filter((r) => r.status === 'completed').length >= 2 ? list : undefined;
    }, 45_000, 'two scheduled runs');
    assert.ok(nonEmpty(runs).every((r) => r.workflow_id.startsWith(`broadcast-${id}-run`)));
    assert.deepEqual(
      runs.map((r) => r.run_number).sort((a, b) => a - b).slice(0, 2),
      [1, 2],
    );
    await api.delete(`/api/v1/broadcast/${id}`);
  });

  it('stops firing while disabled and fires again once enabled', async function () {
    this.timeout(90_000);
    const created = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel2'],
      message: 'pausable',
      schedule_type: 'interval',
      interval_minutes: 0.05,
    });
    const id = created.body.schedule_id;
    await eventually(async () => ((await runsOf(api, id)).length >= 1 ? true : undefined), 30_000, 'a first run');
    const reply = await api.patch(`/api/v1/broadcast/${id}`, { enabled: false });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.broadcast.enabled, false);
    assert.equal(reply.body.broadcast.next_run_at, null);
    const description = await (await getTemporalClient()).schedule.getHandle(`broadcast-${id}`).describe();
    assert.equal(description.state.paused, true);
    // A run that had started before the pause may still finish; wait until none is running.
    await eventually(async () => ((await runsOf(api, id)).every((r) => r.status !== 'running') ? true : undefined), 30_000, 'the runs to finish');
    const before = (await runsOf(api, id)).length;
    // On purpose: time must pass for a paused schedule to show it does not fire. 9 s is three of
    // its 3-second intervals; the resume below proves the same schedule does fire when enabled.
    await new Promise((r) => setTimeout(r, 9_000));
    assert.equal((await runsOf(api, id)).length, before, 'a disabled broadcast fired');

    const resumed = await api.patch(`/api/v1/broadcast/${id}`, { enabled: true });
    assert.equal(resumed.status, 200);
    assert.equal(resumed.body.broadcast.enabled, true);
    await eventually(async () => ((await runsOf(api, id)).length > before ? true : undefined), 30_000, 'a run after resuming');
    await api.delete(`/api/v1/broadcast/${id}`);
  });

  it('runs a broadcast now whatever its schedule', async () => {
    const created = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel1'],
      message: 'run me now',
      schedule_type: 'daily',
      daily_time: '03:00',
    });
    const id = created.body.schedule_id;
    const run = await api.post(`/api/v1/broadcast/${id}/run`);
    assert.equal(run.status, 201);
    assert.equal(run.body.workflow_id, `broadcast-${id}-run-1`);
    const broadcast = await finishedBroadcast(api, id);
    assert.equal(broadcast.last_run.status, 'completed');
    assert.equal(broadcast.last_run.sent, 1);
    const listed = (await api.get('/api/v1/broadcasts')).body.broadcasts.find((b: any) => b.id === id);
    assert.equal(listed.last_run.status, 'completed');
    assert.equal(listed.last_run.workflow_id, run.body.workflow_id);
    assert.equal((await api.post('/api/v1/broadcast/00000000-0000-4000-8000-000000000000/run')).status, 404);
  });

  it('keeps a run it accepted as it was: a PATCH changes only the runs after it', async function () {
    this.timeout(30_000);
    const { api: own, accountId: paced } = await userWithAccount();
    await own.put(`/api/v1/accounts/${paced}/limits`, { min_gap_seconds: 0.3, jitter_seconds: 0 });
    const created = await own.post('/api/v1/broadcast', {
      account_id: paced,
      target_keys: ['@channel1', '@channel2', '-1001234567890'],
      message: 'as accepted',
      schedule_type: 'interval',
      interval_minutes: 600,
    });
    const id = created.body.schedule_id;
    const run = await own.post(`/api/v1/broadcast/${id}/run`);
    assert.equal(run.status, 201);
    const template = await own.post('/api/templates', { name: 'later', content: 'changed {{name}}' });
    const patched = await own.patch(`/api/v1/broadcast/${id}`, { target_keys: ['@channel2'], template_id: template.body.id });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));

    const first = await finishedBroadcast(own, id);
    assert.equal(first.last_run.status, 'completed');
    assert.deepEqual(first.last_run.results.map((r: any) => r.target_key), ['@channel1', '@channel2', '-1001234567890']);
    const sent = (await own.get(`/api/v1/accounts/${paced}/sandbox/outbox?limit=100`)).body.items;
    assert.deepEqual(sent.map((i: any) => [i.chat_key, i.text]), [
      ['@channel1', 'as accepted'],
      ['@channel2', 'as accepted'],
      ['-1001234567890', 'as accepted'],
    ]);

    // The next run is the changed broadcast.
    await own.post(`/api/v1/broadcast/${id}/run`);
    await eventually(async () => ((await runsOf(own, id)).filter((r) => r.status === 'completed').length === 2 ? true : undefined), 20_000, 'the second run');
    const after = (await own.get(`/api/v1/accounts/${paced}/sandbox/outbox?limit=100`)).body.items.slice(3);
    assert.deepEqual(after.map((i: any) => [i.chat_key, i.text]), [['@channel2', 'changed Channel Two']]);
    await own.delete(`/api/v1/broadcast/${id}`);
  });

  it('fails a run whose records cannot be kept, at once and with the reason', async function () {
    this.timeout(30_000);
    const { db } = await getStack();
    const created = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel1'],
      message: 'unreadable',
      schedule_type: 'daily',
      daily_time: '03:00',
    });
    const id = created.body.schedule_id;
    // Data the run cannot read (as a bug would leave it): its targets are not a list.
    await db('broadcasts').where({ id }).update({ target_keys: JSON.stringify('@channel1') });
    const schedule = (await getTemporalClient()).schedule.getHandle(`broadcast-${id}`);
    await schedule.trigger();
    // Read from the table: the API refuses to show a broadcast whose data breaks its own schema.
    const run = await eventually(
      async () => db('broadcast_runs').where({ broadcast_id: id }).first<{ status: string; error: string; workflow_id: string } | undefined>(),
      20_000,
      'the failed run',
    );
    await db('broadcasts').where({ id }).update({ target_keys: JSON.stringify(['@channel1']) });
    assert.equal(run.status, 'failed');
    assert.match(run.error, /the run's records could not be kept: .*map is not a function/);

    const handle = (await getTemporalClient()).workflow.getHandle(run.workflow_id);
    const described = await eventually(async () => {
      const d = await handle.describe();
      return d.status.name === 'RUNNING' ? undefined : d;
    }, 10_000, 'the workflow to close');
    assert.equal(described.status.name, 'FAILED');
    const history = await handle.fetchHistory();
    const begun = history.events!.filter((e) => e.activityTaskStartedEventAttributes);
    assert.equal(begun.length, 2, 'beginning the run, then recording its failure');
    assert.equal(begun[0]!.activityTaskStartedEventAttributes!.attempt, 1, 'a bug was retried');
    await api.delete(`/api/v1/broadcast/${id}`);
  });

  it('changes message, targets and interval with PATCH, keeping the rules of creation', async () => {
    const created = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel1'],
      message: 'old',
      schedule_type: 'interval',
      interval_minutes: 60,
    });
    const id = created.body.schedule_id;
    const patched = await api.patch(`/api/v1/broadcast/${id}`, {
      message: 'new',
      target_keys: ['@channel1', '@channel2'],
      interval_minutes: 30,
      name: 'renamed',
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.broadcast.message, 'new');
    assert.deepEqual(patched.body.broadcast.target_keys, ['@channel1', '@channel2']);
    assert.equal(patched.body.broadcast.interval_minutes, 30);
    assert.equal(patched.body.broadcast.name, 'renamed');
    const description = await (await getTemporalClient()).schedule.getHandle(`broadcast-${id}`).describe();
    assert.equal(description.spec.intervals?.[0]?.every, 30 * 60_000);
    for (const [body, status, pattern] of [
      [{}, 400, /at least one field/],
      [{ target_keys: [] }, 400, /at least 1 target/],
      [{ message: 'a', template_id: 'b' }, 400, /at most one of message or template_id/],
      [{ interval_minutes: -1 }, 400, /interval_minutes/],
      [{ daily_time: '10:00' }, 400, /apply only to daily/],
      [{ template_id: '00000000-0000-4000-8000-000000000000' }, 404, /template not found/],
    ] as const) {
      const reply = await api.patch(`/api/v1/broadcast/${id}`, body);
      assert.equal(reply.status, status, JSON.stringify(body));
      assert.match(reply.body.error, pattern);
    }
  });

  it('deletes a broadcast during a run: the run is cancelled, the schedule gone, then 404', async function () {
    this.timeout(60_000);
    const slow = await newSandboxAccount(api);
    await api.put(`/api/v1/accounts/${slow}/limits`, { min_gap_seconds: 1 });
    const groups = (await api.get(`/api/v1/groups?account_id=${slow}&type=group`)).body.groups.slice(0, 8).map((g: any) => g.key);
    const created = await api.post('/api/v1/broadcast', { account_id: slow, target_keys: groups, message: 'doomed' });
    const id = created.body.schedule_id;
    await eventually(async () => {
      const outbox = (await api.get(`/api/v1/accounts/${slow}/sandbox/outbox`)).body.items;
      return outbox.length >= 1 ? true : undefined;
    }, 20_000, 'the run to start sending');
    const deleted = await api.delete(`/api/v1/broadcast/${id}`);
    assert.equal(deleted.status, 200);
    assert.equal((await api.get(`/api/v1/broadcast/${id}`)).status, 404);
    assert.equal((await api.delete(`/api/v1/broadcast/${id}`)).status, 404);
    const handle = (await getTemporalClient()).workflow.getHandle(created.body.workflow_id);
    const status = await eventually(async () => {
      const { status } = await handle.describe();
      return status.name === 'RUNNING' ? undefined : status.name;
    }, 20_000, 'the run to end');
    assert.equal(status, 'CANCELLED');
    const sent = (await api.get(`/api/v1/accounts/${slow}/sandbox/outbox`)).body.items.length;
    assert.ok(sent < groups.length, `all ${groups.length} targets were sent despite the delete`);
  });

  it("deletes an account's schedules with the account", async () => {
    const doomed = await newSandboxAccount(api);
    const created = await api.post('/api/v1/broadcast', {
      account_id: doomed,
      target_keys: ['@channel1'],
      message: 'orphan?',
      schedule_type: 'interval',
      interval_minutes: 60,
    });
    const handle = (await getTemporalClient()).schedule.getHandle(`broadcast-${created.body.schedule_id}`);
    assert.equal((await handle.describe()).state.paused, false);
    assert.equal((await api.delete(`/api/v1/accounts/${doomed}`)).status, 200);
    await assert.rejects(handle.describe(), ScheduleNotFoundError);
    assert.equal((await api.get(`/api/v1/broadcast/${created.body.schedule_id}`)).status, 404);
  });

  it('lists broadcasts with platform and enabled filters', async () => {
    const { api: own } = await newUser();
    const tg = await newSandboxAccount(own);
    const wa = await newSandboxAccount(own, 'whatsapp');
    const waGroup = (await own.get(`/api/v1/groups?account_id=${wa}&type=group`)).body.groups[0].key;
    await own.post('/api/v1/broadcast', { account_id: tg, target_keys: ['@channel1'], message: 'a', schedule_type: 'interval', interval_minutes: 60, enabled: false });
    await own.post('/api/v1/broadcast', { account_id: wa, target_keys: [waGroup], message: 'b', schedule_type: 'interval', interval_minutes: 60 });
    const all = await own.get('/api/v1/broadcasts');
    assert.equal(all.body.count, 2);
    const tgOnly = await own.get('/api/v1/broadcasts?platform=telegram&enabled=false');
    assert.equal(tgOnly.body.count, 1);
    assert.equal(tgOnly.body.broadcasts[0].platform, 'telegram');
    assert.equal(tgOnly.body.broadcasts[0].enabled, false);
    assert.equal((await own.get('/api/v1/broadcasts?platform=whatsapp&enabled=true')).body.count, 1);
    assert.equal((await own.get('/api/v1/broadcasts?enabled=maybe')).status, 400);
  });
});

describe('legacy /api/schedules', () => {
  let api: Client;
  let accountId: string;
  before(async function () {
    this.timeout(120_000);
    ({ api, accountId } = await userWithAccount());
  });

  it('creates a Telegram schedule with groups as the targets and lists it in the dashboard format', async () => {
    const created = await api.post('/api/schedules', {
      account_id: accountId,
      groups: ['@channel1', '@channel2'],
      message: 'legacy',
      schedule_type: 'interval',
      interval_minutes: 90,
      name: 'Dashboard schedule',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const listed = await api.get('/api/schedules');
    assert.equal(listed.body.count, 1);
    const [schedule] = listed.body.schedules;
    assert.equal(schedule.id, created.body.schedule_id);
    assert.deepEqual(schedule.groups, ['@channel1', '@channel2']);
    assert.equal(schedule.interval_minutes, 90);
    assert.ok(!('target_keys' in schedule));
  });

  it('refuses WhatsApp accounts and missing groups', async () => {
    const wa = await newSandboxAccount(api, 'whatsapp');
    const group = (await api.get(`/api/v1/groups?account_id=${wa}&type=group`)).body.groups[0].key;
    const reply = await api.post('/api/schedules', { account_id: wa, groups: [group], message: 'x', schedule_type: 'interval', interval_minutes: 5 });
    assert.equal(reply.status, 400);
    assert.match(reply.body.error, /platform telegram does not match/);
    const noGroups = await api.post('/api/schedules', { account_id: accountId, message: 'x' });
    assert.equal(noGroups.status, 400);
    assert.match(noGroups.body.error, /groups is required/);
  });
});
