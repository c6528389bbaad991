import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { insertAccount } from '../../src/db/repos/accounts.repo';
import { emitEvent, emitEvents, EventPayloadTooLargeError, MAX_EVENT_PAYLOAD_BYTES, NO_ACCOUNT } from '../../src/db/repos/events.repo';
import { finishedBroadcast, groupKeys, newUser, userWithAccount } from '../support/http';
import { getStack } from '../support/stack';

async function newOwner(db: Knex): Promise<{ userId: string; accountId: string }> {
  const [user] = await db('users').insert({ name: 'event-log-test', role: 'user' }).returning('id');
  const account = await insertAccount(db, { userId: user.id, platform: 'telegram', name: 'events', phone: null, sandbox: false, status: 'disconnected' });
  return { userId: user.id, accountId: account.id };
}

/** A hook straight in the table; these tests look only at the deliveries queued for it. */
async function newHook(db: Knex, userId: string, events: string[], enabled = true): Promise<string> {
  const [row] = await db('webhooks')
    .insert({ user_id: userId, name: 'h', url: 'http://192.0.2.1/hook', events, secret: 'sealed', enabled })
    .returning('id');
  return row.id;
}

const deliveredTypes = async (db: Knex, hookId: string): Promise<string[]> =>
  (await db('webhook_deliveries as d').join('events as e', 'e.id', 'd.event_id').where('d.webhook_id', hookId).orderBy('e.id').select('e.type')).map(
    (r: { type: string }) => r.type,
  );

describe('the event log', () => {
  let db: Knex;
  before(async function () {
    this.timeout(120_000);
    db = (await getStack()).db;
  });

  it('records an event for the account owner with a stable public id, or nothing when the account is gone', async () => {
    const { userId, accountId } = await newOwner(db);
    const id = await emitEvent(db, { accountId, type: 'custom.ping', data: { n: 1 } });
    assert.match(id!, /^[0-9a-f-]{36}$/);
    const row = await db('events').where({ event_id: id }).first();
    assert.equal(row.user_id, userId);
    assert.deepEqual(row.data, { n: 1 });
    assert.equal(await emitEvent(db, { accountId: '00000000-0000-0000-0000-0000000000aa', type: 'custom.ping', data: {} }), undefined);
  });

  it('counts events in their rollups, hourly per account and daily per chat, across an hour and a day boundary', async () => {
    const { userId, accountId } = await newOwner(db);
    const before = new Date('2026-11-30T23:59:59.900Z');
    const after = new Date('2026-12-01T00:00:00.100Z');
    await emitEvents(db, [
      { accountId, type: 'message.sent', chatKey: '@a', at: before, data: {} },
      { accountId, type: 'message.sent', chatKey: '@b', at: before, data: {} },
      { accountId, type: 'message.sent', chatKey: '@a', at: after, data: {} },
      { accountId, type: 'message.failed', chatKey: '@b', at: after, data: {} },
      { userId, type: 'custom', at: after, data: {} },
    ]);
    await emitEvent(db, { accountId, type: 'message.sent', chatKey: '@a', at: after, data: {} });
    const hourly = await db('analytics_account_hourly').where({ user_id: userId }).orderBy(['hour', 'event_type', 'account_id']);
    assert.deepEqual(
      hourly.map((r: any) => [r.hour.toISOString(), r.account_id, r.event_type, Number(r.count)]),
      [
        ['2026-11-30T23:00:00.000Z', accountId, 'message.sent', 2],
        ['2026-12-01T00:00:00.000Z', NO_ACCOUNT, 'custom', 1],
        ['2026-12-01T00:00:00.000Z', accountId, 'message.failed', 1],
        ['2026-12-01T00:00:00.000Z', accountId, 'message.sent', 2],
      ],
    );
    const daily = await db('analytics_daily').where({ user_id: userId }).select(db.raw(`to_char(day, 'YYYY-MM-DD') as day`), 'chat_key', 'event_type', 'count');
    assert.deepEqual(
      daily.map((r: any) => [r.day, r.chat_key, r.event_type, Number(r.count)]).sort(),
      [
        ['2026-11-30', '@a', 'message.sent', 1],
        ['2026-11-30', '@b', 'message.sent', 1],
        ['2026-12-01', '', 'custom', 1],
        ['2026-12-01', '@a', 'message.sent', 2],
        ['2026-12-01', '@b', 'message.failed', 1],
      ],
    );
  });

  it("queues one delivery per event for each of the owner's enabled hooks whose events match", async () => {
    const { userId, accountId } = await newOwner(db);
    const other = await newOwner(db);
    const all = await newHook(db, userId, ['*']);
    const messages = await newHook(db, userId, ['message.*']);
    const exact = await newHook(db, userId, ['broadcast.run.finished']);
    const off = await newHook(db, userId, ['*'], false);
    const strangers = await newHook(db, other.userId, ['*']);
    await emitEvents(db, [
      { accountId, type: 'message.sent', data: {} },
      { accountId, type: 'messages.purged', data: {} },
      { accountId, type: 'broadcast.run.finished', data: {} },
      { accountId, type: 'broadcast.run.started', data: {} },
    ]);
    assert.deepEqual(await deliveredTypes(db, all), ['message.sent', 'messages.purged', 'broadcast.run.finished', 'broadcast.run.started']);
    assert.deepEqual(await deliveredTypes(db, messages), ['message.sent']);
    assert.deepEqual(await deliveredTypes(db, exact), ['broadcast.run.finished']);
    assert.deepEqual(await deliveredTypes(db, off), []);
    assert.deepEqual(await deliveredTypes(db, strangers), []);
  });

  it('writes nothing of an event whose transaction rolls back', async () => {
    const { userId, accountId } = await newOwner(db);
    const hook = await newHook(db, userId, ['*']);
    await assert.rejects(
      db.transaction(async (trx) => {
        await emitEvent(trx, { accountId, type: 'message.sent', chatKey: '@a', data: {} });
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.equal((await db('events').where({ user_id: userId })).length, 0);
    assert.equal((await db('analytics_account_hourly').where({ user_id: userId })).length, 0);
    assert.equal((await db('analytics_daily').where({ user_id: userId })).length, 0);
    assert.deepEqual(await deliveredTypes(db, hook), []);
  });

  it('refuses a payload over 256 KiB at emit time', async () => {
    const { userId } = await newOwner(db);
    const data = { blob: 'x'.repeat(MAX_EVENT_PAYLOAD_BYTES) };
    await assert.rejects(emitEvent(db, { userId, type: 'custom', data }), EventPayloadTooLargeError);
    assert.equal((await db('events').where({ user_id: userId })).length, 0);
  });

  it("records a broadcast run's start, each message's outcome and its end, in that order", async () => {
    const { api, accountId } = await userWithAccount();
    const targets = await groupKeys(api, accountId, 3);
    await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { forbidden_keys: [targets[2]] });
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: targets, message: 'logged', schedule_type: 'now' });
    assert.equal(created.status, 201);
    const broadcast = await finishedBroadcast(api, created.body.schedule_id);
    const events = await db('events').where({ account_id: accountId }).whereNot('type', 'like', 'account.%').orderBy('id');
    assert.deepEqual(
      events.map((e: any) => [e.type, e.chat_key]),
      [
        ['broadcast.run.started', null],
        ['message.sent', targets[0]],
        ['message.sent', targets[1]],
        ['message.failed', targets[2]],
        ['broadcast.run.finished', null],
      ],
    );
    const [started, sent, , failed, finished] = events;
    assert.equal(started.data.run_id, broadcast.last_run.id);
    assert.deepEqual([sent.data.origin, sent.data.target_key, sent.data.send_run_id], ['broadcast', targets[0], broadcast.last_run.id]);
    assert.ok(sent.data.platform_message_id);
    assert.ok(failed.data.error);
    assert.deepEqual([finished.data.status, finished.data.sent, finished.data.failed], ['completed', 2, 1]);
  });

  it('records contact.created for a contact made through the API and for each one an import creates, not for those it updates', async () => {
    const { id: userId, api } = await newUser();
    const made = await api.post('/api/contacts', { name: 'Ann', phone: '+4915122222222', tags: ['vip'] });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const imported = await api.post('/api/contacts/import', { contacts: [{ name: 'Ann again', phone: '+4915122222222' }, { name: 'Bo', username: 'bo_smith' }, { name: 'Cy' }] });
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.deepEqual([imported.body.created, imported.body.updated], [2, 1], JSON.stringify(imported.body));
    const events = await db('events').where({ user_id: userId, type: 'contact.created' }).orderBy('id');
    assert.deepEqual(
      events.map((e: any) => [e.data.name, e.data.source]),
      [
        ['Ann', 'api'],
        ['Bo', 'import'],
        ['Cy', 'import'],
      ],
    );
    assert.deepEqual(events[0].data, { contact_id: made.body.contact.id, name: 'Ann', phone: '+4915122222222', username: null, tags: ['vip'], segment: null, source: 'api' });
    const contacts = (await api.get('/api/contacts?search=Bo')).body.contacts;
    assert.equal(events[1].data.contact_id, contacts.find((c: any) => c.name === 'Bo').id);
  });
});
