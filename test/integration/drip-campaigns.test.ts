import assert from 'node:assert/strict';
import { PgSandboxStore } from '../../src/db/repos/sandbox.repo';
import { eventually, newSandboxAccount, newUser, outboxItems, userWithAccount, type Client } from '../support/http';
import { injectAndSettle } from '../support/inbound';
import { getStack } from '../support/stack';

describe('drip campaigns', () => {
  let api: Client;
  let accountId: string;
  let contacts: Array<{ key: string; platformId: string; username: string | null }>;
  let next = 0;
  /** A sandbox contact no other test of this file uses. */
  const contact = () => contacts[next++]!;

  before(async function () {
    this.timeout(120_000);
    ({ api, accountId } = await userWithAccount());
    contacts = (await new PgSandboxStore((await getStack()).db).listChats(accountId)).filter((c) => c.type === 'contact' && c.username);
    assert.ok(contacts.length >= 12, 'the seeded world has enough contacts');
  });

  async function create(body: object) {
    const reply = await api.post('/api/drip-campaigns', body);
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    return reply.body.id as string;
  }
  const start = async (id: string) => {
    const reply = await api.post(`/api/drip-campaigns/${id}/start`);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return new Date();
  };
  const sentTo = async (key: string) => (await outboxItems(api, accountId)).filter((i) => i.type === 'message' && i.chat_key === key);
  const textsTo = async (key: string) => (await sentTo(key)).map((i) => i.text as string);
  const progress = async (id: string) => {
    const reply = await api.get(`/api/drip-campaigns/${id}`);
    assert.equal(reply.status, 200);
    return reply.body;
  };
  const until = <T>(what: string, check: () => Promise<T | undefined>) => eventually(check, 30_000, what);

  it("creates the reference's campaign on the only account and starts it with nobody to enroll", async () => {
    const id = await create({ name: 'Onboarding', steps: [{ message: 'Welcome!', delay_minutes: 0 }, { message: 'Day 2', delay_minutes: 1440 }] });
    const got = await progress(id);
    assert.equal(got.campaign.account_id, accountId);
    assert.equal(got.campaign.status, 'draft');
    await start(id);
    assert.equal((await progress(id)).campaign.status, 'active');
    assert.equal((await api.post(`/api/drip-campaigns/${id}/start`)).status, 409);
    const listed = await api.get('/api/drip-campaigns');
    assert.equal(listed.status, 200);
    assert.ok(listed.body.campaigns.some((c: { id: string }) => c.id === id));
  });

  it('sends every step to every target in order, after its delay, and shows each outcome', async function () {
    this.timeout(60_000);
    const [a, b] = [contact(), contact()];
    const id = await create({ name: 'Order', targets: [a.key, b.key], steps: [{ message: 'Step one', delay_minutes: 0 }, { message: 'Step two', delay_minutes: 0.02 }] });
    await start(id);
    for (const target of [a, b]) {
      await until(`both steps to ${target.key}`, async () => ((await textsTo(target.key)).length === 2 ? true : undefined));
      assert.deepEqual(await textsTo(target.key), ['Step one', 'Step two']);
    }
    const done = await until('the enrollments to complete', async () => {
      const p = await progress(id);
      return p.enrollments.every((e: { status: string }) => e.status === 'completed') ? p : undefined;
    });
    assert.equal(done.enrollments.length, 2);
    for (const e of done.enrollments) {
      assert.equal(e.step_reached, 2);
      assert.deepEqual(e.steps.map((s: { status: string }) => s.status), ['sent', 'sent']);
      const [one, two] = e.steps.map((s: { sent_at: string }) => Date.parse(s.sent_at));
      assert.ok(two - one >= 1000, 'the second step waited its 1.2 s delay');
    }
  });

  it('keeps the delay left when paused, and resumes from there', async function () {
    this.timeout(60_000);
    const target = contact();
    const id = await create({ name: 'Pause', targets: [target.key], steps: [{ message: 'Before pause', delay_minutes: 0 }, { message: 'After resume', delay_minutes: 0.08 }] });
    await start(id);
    await until('the first step', async () => ((await textsTo(target.key)).length === 1 ? true : undefined));
    const paused = await api.post(`/api/drip-campaigns/${id}/pause`);
    assert.equal(paused.status, 200);
    const [enrollment] = (await progress(id)).enrollments;
    assert.equal(enrollment.status, 'paused');
    assert.ok(enrollment.remaining_ms > 0 && enrollment.remaining_ms <= 4800, String(enrollment.remaining_ms));
    assert.equal((await api.post(`/api/drip-campaigns/${id}/pause`)).status, 409);
    const resumedAt = await start(id);
    await until('the second step', async () => ((await textsTo(target.key)).length === 2 ? true : undefined));
    const [after] = (await progress(id)).enrollments;
    const sentAt = Date.parse(after.steps[1].sent_at);
    assert.ok(sentAt - resumedAt.getTime() >= enrollment.remaining_ms - 500, 'the remaining delay ran after the resume');
  });

  it('applies edited steps to the steps not sent yet, and enrolls added targets and cancels removed ones', async function () {
    this.timeout(60_000);
    const [kept, removed, added] = [contact(), contact(), contact()];
    const id = await create({ name: 'Edit', targets: [kept.key, removed.key], steps: [{ message: 'First', delay_minutes: 0 }, { message: 'Later', delay_minutes: 600 }] });
    await start(id);
    for (const t of [kept, removed]) await until(`the first step to ${t.key}`, async () => ((await textsTo(t.key)).length === 1 ? true : undefined));
    const edited = await api.put(`/api/drip-campaigns/${id}`, {
      steps: [{ message: 'First', delay_minutes: 0 }, { message: 'Sooner', delay_minutes: 0 }],
      targets: [kept.key, added.key],
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    await until('the edited step to the kept target', async () => ((await textsTo(kept.key)).length === 2 ? true : undefined));
    assert.deepEqual(await textsTo(kept.key), ['First', 'Sooner']);
    await until('both steps to the added target', async () => ((await textsTo(added.key)).length === 2 ? true : undefined));
    const enrollments = (await progress(id)).enrollments as Array<{ target_key: string; status: string }>;
    assert.equal(enrollments.find((e) => e.target_key === removed.key)?.status, 'cancelled');
    assert.deepEqual(await textsTo(removed.key), ['First'], 'the removed target got nothing more');
  });

  it('ends the enrollment of a target who replies when stop_on_reply is set', async function () {
    this.timeout(60_000);
    const [replier, silent] = [contact(), contact()];
    const id = await create({
      name: 'Stop on reply',
      stop_on_reply: true,
      targets: [replier.key, silent.key],
      steps: [{ message: 'Hello there', delay_minutes: 0 }, { message: 'Follow-up', delay_minutes: 0.05 }],
    });
    await start(id);
    await until('the first step to the replier', async () => ((await textsTo(replier.key)).length === 1 ? true : undefined));
    await injectAndSettle(api, accountId, { type: 'message', chat_key: replier.key, from: { id: replier.platformId, username: replier.username! }, text: 'thanks, got it' });
    // The silent target gets the follow-up once it is due; by then the replier's would have been due too.
    await until('the follow-up to the silent target', async () => ((await textsTo(silent.key)).length === 2 ? true : undefined));
    assert.deepEqual(await textsTo(replier.key), ['Hello there']);
    const enrollments = (await progress(id)).enrollments as Array<{ target_key: string; status: string; stop_reason: string | null }>;
    const stopped = enrollments.find((e) => e.target_key === replier.key)!;
    assert.deepEqual([stopped.status, stopped.stop_reason], ['stopped', 'the target replied']);
  });

  it('holds a step until its send window opens', async function () {
    this.timeout(120_000);
    const target = contact();
    // A window opening at the next whole minute (UTC), for two minutes.
    const opens = new Date(Math.ceil((Date.now() + 1000) / 60_000) * 60_000);
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const window = { hours: { from: hhmm(opens), to: hhmm(new Date(opens.getTime() + 120_000)) }, timezone: 'UTC' };
    const id = await create({ name: 'Window', targets: [target.key], send_window: window, steps: [{ message: 'In the window', delay_minutes: 0 }] });
    await start(id);
    const [enrollment] = (await progress(id)).enrollments;
    assert.equal(enrollment.next_send_at, opens.toISOString());
    const [sent] = await eventually(async () => {
      const items = await sentTo(target.key);
      return items.length > 0 ? items : undefined;
    }, 90_000, 'the step once the window opens');
    assert.ok(Date.parse(sent.at) >= opens.getTime(), `${sent.at} is not before ${opens.toISOString()}`);
  });

  it('enrolls contacts by tag, leaving out those who opted out', async function () {
    this.timeout(60_000);
    const [member, optedOut] = [contact(), contact()];
    for (const [c, opted] of [[member, false], [optedOut, true]] as const) {
      const made = await api.post('/api/contacts', { name: c.key, username: c.username, tags: ['drip-tag'], opted_out: opted });
      assert.equal(made.status, 201, JSON.stringify(made.body));
    }
    const id = await create({ name: 'By tag', targets: [{ tag: 'drip-tag' }], steps: [{ message: 'Tagged hello', delay_minutes: 0 }] });
    await start(id);
    await until('the tagged contact’s message', async () => ((await textsTo(member.key)).length === 1 ? true : undefined));
    const enrollments = (await progress(id)).enrollments as Array<{ target_key: string; contact_id: string | null }>;
    assert.deepEqual(enrollments.map((e) => e.target_key), [member.key]);
    assert.ok(enrollments[0]!.contact_id);
    assert.deepEqual(await textsTo(optedOut.key), []);
  });

  it('answers 400 for bad bodies and an ambiguous account, 404 for unknown campaigns and other users, and deletes', async () => {
    for (const body of [
      { name: 'x', steps: [] },
      { name: 'x', steps: [{ delay_minutes: 0 }] },
      { name: 'x', steps: [{ message: 'm', delay_minutes: -1 }] },
      { name: 'x', steps: [{ message: 'm', delay_minutes: 0 }], send_window: { hours: { from: '25:00', to: '10:00' } } },
      { name: 'x', steps: [{ message: 'm', delay_minutes: 0 }], targets: [{ tags: 'x' }] },
    ]) {
      assert.equal((await api.post('/api/drip-campaigns', body)).status, 400, JSON.stringify(body));
    }
    const { api: two } = await newUser();
    await newSandboxAccount(two);
    await newSandboxAccount(two);
    assert.equal((await two.post('/api/drip-campaigns', { name: 'x', steps: [{ message: 'm', delay_minutes: 0 }] })).status, 400);
    const id = await create({ name: 'Mine', steps: [{ message: 'm', delay_minutes: 0 }] });
    for (const reply of [
      await two.get(`/api/drip-campaigns/${id}`),
      await two.put(`/api/drip-campaigns/${id}`, { name: 'stolen' }),
      await two.post(`/api/drip-campaigns/${id}/start`),
      await two.delete(`/api/drip-campaigns/${id}`),
      await api.get('/api/drip-campaigns/00000000-0000-4000-8000-000000000000'),
      await api.get('/api/drip-campaigns/nope'),
    ]) {
      assert.equal(reply.status, 404);
    }
    assert.equal((await api.post(`/api/drip-campaigns/${id}/pause`)).status, 409, 'a draft cannot pause');
    assert.equal((await api.put(`/api/drip-campaigns/${id}`, {})).status, 400);
    const deleted = await api.delete(`/api/drip-campaigns/${id}`);
    assert.equal(deleted.status, 200);
    assert.equal((await api.get(`/api/drip-campaigns/${id}`)).status, 404);
  });
});
