import assert from 'node:assert/strict';
import { eventually, groupKeys, newSandboxAccount, newUser, outboxItems, userWithAccount, type Client } from '../support/http';
import { sampleGroups, splitGroups } from '../../src/domain/ab-split';
import { getStack } from '../support/stack';

describe('A/B tests', () => {
  let api: Client;
  let accountId: string;

  before(async function () {
    this.timeout(120_000);
    ({ api, accountId } = await userWithAccount());
  });

  /** Polls the test until its variants' send runs are all settled. */
  async function settledResults(client: Client, id: string, expectedSends: number) {
    return eventually(
      async () => {
        const reply = await client.get(`/api/ab-tests/${id}`);
        assert.equal(reply.status, 200);
        const total = reply.body.results.reduce((sum: number, r: { sent: number }) => sum + r.sent, 0);
        return total >= expectedSends ? reply.body : undefined;
      },
      30_000,
      `test ${id} to send ${expectedSends} messages`,
    );
  }

  it("creates the reference's test on the only account, starts it, records results and completes it", async function () {
    this.timeout(60_000);
    const created = await api.post('/api/ab-tests', {
      name: 'Test 1',
      variants: [
        { name: 'A', template: '...' },
        { name: 'B', template: '...' },
      ],
      groups: ['g1', 'g2'],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.test.account_id, accountId);
    assert.equal(created.body.test.status, 'draft');
    const id = created.body.id;
    const started = await api.post(`/api/ab-tests/${id}/start`);
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.deepEqual(Object.values(started.body.test.split).map((g) => (g as string[]).length), [1, 1]);
    assert.equal((await api.post(`/api/ab-tests/${id}/start`)).status, 409);
    // g1 and g2 are no chats of the account: both sends fail, and the ledger counts them.
    await settledResults(api, id, 2);

    const recorded = await api.post(`/api/ab-tests/${id}/results`, { variant: 'A', sent: 50, delivered: 45, failed: 5 });
    assert.equal(recorded.status, 200, JSON.stringify(recorded.body));
    const a = recorded.body.results.find((r: { name: string }) => r.name === 'A');
    assert.deepEqual([a.sent, a.delivered, a.failed], [51, 45, 6]);
    assert.equal((await api.post(`/api/ab-tests/${id}/results`, { variant: 'C', sent: 1 })).status, 400);
    assert.equal((await api.post(`/api/ab-tests/${id}/results`, { variant: 'A', sent: 1, delivered: 2 })).status, 400);

    const completed = await api.post(`/api/ab-tests/${id}/complete`);
    assert.equal(completed.status, 200, JSON.stringify(completed.body));
    assert.equal(completed.body.winner, null);
    assert.equal(completed.body.decision.reason, 'too few sends', 'B has one send only');
    assert.equal((await api.get(`/api/ab-tests/${id}`)).body.test.status, 'completed');
  });

  it('names a significant winner with its z and p from the counts', async () => {
    const created = await api.post('/api/ab-tests', { name: 'Stats', variants: [{ name: 'A', template: 'a' }, { name: 'B', template: 'b' }], groups: ['@nobody_here_1'] });
    const id = created.body.id;
    assert.equal((await api.post(`/api/ab-tests/${id}/start`)).status, 200);
    await settledResults(api, id, 1);
    await api.post(`/api/ab-tests/${id}/results`, { variant: 'A', sent: 200, delivered: 120, failed: 80 });
    await api.post(`/api/ab-tests/${id}/results`, { variant: 'B', sent: 200, delivered: 160, failed: 40 });
    const completed = await api.post(`/api/ab-tests/${id}/complete`);
    assert.equal(completed.status, 200);
    assert.equal(completed.body.winner, 'B');
    assert.equal(completed.body.decision.significant, true);
    assert.ok(completed.body.decision.z > 4 && completed.body.decision.p < 0.001, JSON.stringify(completed.body.decision));
    // Completing again keeps the decision.
    assert.equal((await api.post(`/api/ab-tests/${id}/complete`)).body.decision.decided_at, completed.body.decision.decided_at);
  });

  it('splits the groups deterministically by weight and sends each variant to its groups', async function () {
    this.timeout(60_000);
    const groups = await groupKeys(api, accountId, 6);
    const body = { name: 'Split', variants: [{ name: 'Heavy', template: 'Heavy text', weight: 2 }, { name: 'Light', template: 'Light text' }], groups };
    const first = await api.post('/api/ab-tests', body);
    await api.post(`/api/ab-tests/${first.body.id}/start`);
    const done = await settledResults(api, first.body.id, 6);
    const split = done.test.split as Record<string, string[]>;
    assert.equal(split.Heavy!.length, 4);
    assert.equal(split.Light!.length, 2);
    const items = await outboxItems(api, accountId);
    for (const [variant, text] of [['Heavy', 'Heavy text'], ['Light', 'Light text']] as const) {
      assert.deepEqual(items.filter((i) => i.text === text).map((i) => i.chat_key).sort(), [...split[variant]!].sort());
    }
  });

  it('tries a sample first, then sends the leading variant to the rest once the time is up', async function () {
    this.timeout(60_000);
    const groups = await groupKeys(api, accountId, 8);
    // Variant A's groups are forbidden: B leads on delivery rate.
    const created = await api.post('/api/ab-tests', {
      name: 'Sample',
      variants: [{ name: 'A', template: 'Sample A' }, { name: 'B', template: 'Sample B' }],
      groups,
      sample_percent: 50,
      decide_after_minutes: 0.03,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    // The split is deterministic, so A's groups are known, and forbidden, before anything is sent.
    const { sample, rest } = sampleGroups(created.body.test.groups, 50, id);
    const expected = Object.fromEntries(splitGroups(sample, [{ name: 'A' }, { name: 'B' }], id));
    await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { forbidden_keys: expected.A });
    try {
      const started = await api.post(`/api/ab-tests/${id}/start`);
      assert.equal(started.status, 200);
      assert.deepEqual(started.body.test.split, expected);
      assert.deepEqual(started.body.test.rest, rest);
      assert.equal(rest.length, 4);
      const decided = await eventually(
        async () => {
          const reply = await api.get(`/api/ab-tests/${id}`);
          return reply.body.test.decision ? reply.body.test : undefined;
        },
        30_000,
        'the sample test to decide',
      );
      assert.equal(decided.decision.sent_to_rest, 'B');
      const toRest = await eventually(
        async () => {
          const items = (await outboxItems(api, accountId)).filter((i) => i.text === 'Sample B' && rest.includes(i.chat_key));
          return items.length === rest.length ? items : undefined;
        },
        30_000,
        'the rest to get B',
      );
      assert.equal(toRest.length, 4);
    } finally {
      await api.put(`/api/v1/accounts/${accountId}/sandbox/faults`, { forbidden_keys: [] });
    }
  });

  it('cancels the sends a deleted test has not made yet', async function () {
    this.timeout(60_000);
    const { api: owner, accountId: ownAccount } = await userWithAccount();
    const groups = await groupKeys(owner, ownAccount, 2);
    // A long FloodWait holds the first send back, so the runs are still pending when the test goes.
    await owner.put(`/api/v1/accounts/${ownAccount}/sandbox/faults`, { flood_wait_seconds: 600, flood_wait_sends: 1 });
    const created = await owner.post('/api/ab-tests', { name: 'Doomed', variants: [{ name: 'A', template: 'doomed a' }, { name: 'B', template: 'doomed b' }], groups });
    await owner.post(`/api/ab-tests/${created.body.id}/start`);
    const { db } = await getStack();
    const pending = () =>
      db('deliveries as d').join('send_runs as r', 'r.id', 'd.run_id').where({ 'r.account_id': ownAccount, 'r.origin': 'ab_test' }).select('d.status', 'd.error');
    await eventually(async () => ((await db('account_pacing').where({ account_id: ownAccount }).where('paused_until', '>', db.fn.now()).first()) ? true : undefined), 20_000, 'the FloodWait');
    assert.deepEqual((await pending()).map((d) => d.status), ['pending', 'pending']);
    assert.equal((await owner.delete(`/api/ab-tests/${created.body.id}`)).status, 200);
    assert.deepEqual(
      (await pending()).map((d) => [d.status, d.error]),
      [
        ['failed', 'the A/B test was deleted'],
        ['failed', 'the A/B test was deleted'],
      ],
    );
  });

  it('answers 400 for bad bodies and an ambiguous account, 404 for unknown ones and other users', async () => {
    for (const body of [
      { name: 'x', variants: [{ name: 'A', template: 'a' }], groups: ['g'] },
      { name: 'x', variants: [{ name: 'A', template: 'a' }, { name: 'A', template: 'b' }], groups: ['g'] },
      { name: 'x', variants: [{ name: 'A' }, { name: 'B', template: 'b' }], groups: ['g'] },
      { name: 'x', variants: [{ name: 'A', template: 'a' }, { name: 'B', template: 'b' }], groups: [] },
      { name: 'x', variants: [{ name: 'A', template: 'a' }, { name: 'B', template: 'b' }], groups: ['g'], decide_after_minutes: 5 },
      { name: 'x', variants: [{ name: 'A', template: 'a' }, { name: 'B', template: 'b', weight: -1 }], groups: ['g'] },
    ]) {
      assert.equal((await api.post('/api/ab-tests', body)).status, 400, JSON.stringify(body));
    }
    const { api: twoAccounts } = await newUser();
    await newSandboxAccount(twoAccounts);
    await newSandboxAccount(twoAccounts);
    const ambiguous = await twoAccounts.post('/api/ab-tests', { name: 'x', variants: [{ name: 'A', template: 'a' }, { name: 'B', template: 'b' }], groups: ['g'] });
    assert.equal(ambiguous.status, 400);
    assert.match(ambiguous.body.error, /account_id is required: you have 2 accounts/);
    const mine = await api.post('/api/ab-tests', { name: 'Mine', variants: [{ name: 'A', template: 'a' }, { name: 'B', template: 'b' }], groups: ['g'] });
    assert.equal(mine.status, 201);
    for (const reply of [
      await twoAccounts.get(`/api/ab-tests/${mine.body.id}`),
      await twoAccounts.post(`/api/ab-tests/${mine.body.id}/start`),
      await twoAccounts.delete(`/api/ab-tests/${mine.body.id}`),
      await api.get('/api/ab-tests/00000000-0000-4000-8000-000000000000'),
      await api.get('/api/ab-tests/nope'),
    ]) {
      assert.equal(reply.status, 404);
    }
    assert.equal((await api.post(`/api/ab-tests/${mine.body.id}/complete`)).status, 409, 'a draft cannot complete');
    const deleted = await api.delete(`/api/ab-tests/${mine.body.id}`);
    assert.equal(deleted.status, 200);
    assert.equal((await api.get(`/api/ab-tests/${mine.body.id}`)).status, 404);
    const listed = await api.get('/api/ab-tests');
    assert.equal(listed.status, 200);
    assert.ok(listed.body.count >= 1);
  });
});
