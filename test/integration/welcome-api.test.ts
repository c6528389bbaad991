import assert from 'node:assert/strict';
import { newUser, request, type Client } from '../support/http';
import { getStack } from '../support/stack';

describe('welcome and goodbye messages API', () => {
  let api: Client;
  let other: Client;
  before(async function () {
    this.timeout(120_000);
    await getStack();
    ({ api } = await newUser());
    ({ api: other } = await newUser());
  });

  const groupIds = async (client: Client) => {
    const listed = await client.get('/api/welcome-messages');
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.equal(listed.body.count, listed.body.configs.length);
    return listed.body.configs.map((c: { group_id: string }) => c.group_id);
  };

  it('sets the reference’s _default config as written, with the defaults shown, and lists it', async () => {
    const reply = await api.post('/api/welcome-messages', { group_id: '_default', welcome_text: 'Welcome {{name}}!', welcome_enabled: true });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal(reply.body.success, true);
    assert.equal(reply.body.created, true);
    const { config } = reply.body;
    assert.equal(config.group_id, '_default');
    assert.equal(config.welcome_text, 'Welcome {{name}}!');
    assert.equal(config.welcome_enabled, true);
    assert.equal(config.goodbye_text, null);
    assert.equal(config.goodbye_enabled, false);
    assert.equal(config.delete_previous, false);
    assert.equal(config.burst_joins, 3);
    assert.equal(config.burst_window_seconds, 30);
    assert.deepEqual(await groupIds(api), ['_default']);
  });

  it('replaces a group’s config whole on a second POST (200), under its canonical chat key', async () => {
    const first = await api.post('/api/welcome-messages', { group_id: 't.me/Crypto_Hub', welcome_text: 'Hi {{name}}', goodbye_text: 'Bye {{username}}', delete_previous: true });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.config.group_id, '@crypto_hub');
    assert.deepEqual([first.body.config.welcome_enabled, first.body.config.goodbye_enabled], [true, true]);

    const second = await api.post('/api/welcome-messages', { group_id: '@CRYPTO_HUB', goodbye_text: 'Farewell {{name}} from {{group}}', burst_joins: 5 });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body.created, false);
    const replaced = second.body.config;
    assert.equal(replaced.group_id, '@crypto_hub');
    assert.equal(replaced.welcome_text, null, 'the fields left out are reset, not kept');
    assert.equal(replaced.welcome_enabled, false);
    assert.equal(replaced.goodbye_text, 'Farewell {{name}} from {{group}}');
    assert.equal(replaced.delete_previous, false);
    assert.equal(replaced.burst_joins, 5);
    assert.equal(replaced.created_at, first.body.config.created_at);

    const listed = await api.get('/api/welcome-messages');
    assert.equal(listed.status, 200);
    const stored = listed.body.configs.filter((c: { group_id: string }) => c.group_id === '@crypto_hub');
    assert.equal(stored.length, 1);
    assert.equal(stored[0].goodbye_text, 'Farewell {{name}} from {{group}}');
  });

  it('keeps WhatsApp group JIDs as JIDs', async () => {
    const reply = await api.post('/api/welcome-messages', { group_id: '120363012345678901@G.US', welcome_text: 'Olá {{name}}' });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal(reply.body.config.group_id, '120363012345678901@g.us');
    assert.ok((await groupIds(api)).includes('120363012345678901@g.us'));
  });

  it('deletes a config by any spelling of its key, URL-encoded or not, then answers 404', async () => {
    const set = await api.post('/api/welcome-messages', { group_id: '@channel1', welcome_text: 'Hello {{name}}' });
    assert.equal(set.status, 201, JSON.stringify(set.body));
    const deleted = await api.delete('/api/welcome-messages/%40Channel1');
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    assert.deepEqual(deleted.body, { success: true, deleted: '@channel1' });
    assert.ok(!(await groupIds(api)).includes('@channel1'));
    const again = await api.delete('/api/welcome-messages/%40channel1');
    assert.equal(again.status, 404);
    assert.equal(typeof again.body.error, 'string');
    assert.equal((await api.delete('/api/welcome-messages/not%20a%20chat')).status, 404);
  });

  it('deletes the _default config', async () => {
    const set = await api.post('/api/welcome-messages', { group_id: '_default', welcome_text: 'Welcome {{name}}!' });
    assert.ok([200, 201].includes(set.status), JSON.stringify(set.body));
    const deleted = await api.delete('/api/welcome-messages/_default');
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    assert.equal(deleted.body.deleted, '_default');
    assert.ok(!(await groupIds(api)).includes('_default'));
    assert.equal((await api.delete('/api/welcome-messages/_default')).status, 404);
  });

  it('refuses invalid configs with 400 naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ group_id: '_default', welcome_text: 'Hi {{first_name}}' }, /^welcome_text: unknown variables \{\{first_name\}\}; known: \{\{name\}\}, \{\{username\}\}, \{\{group\}\}/],
      [{ group_id: '_default', goodbye_text: 'Bye {{date}}' }, /^goodbye_text: unknown variables \{\{date\}\}/],
      [{ group_id: '_default', welcome_enabled: true }, /^welcome_text: welcome_text is required when welcome_enabled is true/],
      [{ group_id: '_default', goodbye_enabled: true, goodbye_text: null }, /^goodbye_text: goodbye_text is required/],
      [{ group_id: '_default', welcome_text: 'hi', burst_joins: 0 }, /^burst_joins: /],
      [{ group_id: '_default', welcome_text: 'hi', burst_joins: 101 }, /^burst_joins: /],
      [{ group_id: '_default', welcome_text: 'hi', burst_window_seconds: 3601 }, /^burst_window_seconds: /],
      [{ group_id: '_default', welcome_text: 'hi', burst_window_seconds: 1.5 }, /^burst_window_seconds: /],
      [{ group_id: '_default', welcome_text: '   ' }, /^welcome_text: must not be blank/],
      [{ welcome_text: 'hi' }, /^group_id is required/],
      [{ group_id: 'not a chat', welcome_text: 'hi' }, /^group_id: not a chat key: not a chat/],
      [{ group_id: 't.me/+AbCdEf', welcome_text: 'hi' }, /^group_id: not a chat key/],
    ];
    for (const [body, message] of cases) {
      const reply = await api.post('/api/welcome-messages', body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.body.error, message, JSON.stringify(body));
    }
    assert.ok(!(await groupIds(api)).includes('not a chat'));
  });

  it('answers 401 without a key', async () => {
    assert.equal((await request('GET', '/api/welcome-messages')).status, 401);
    assert.equal((await request('POST', '/api/welcome-messages', { body: { group_id: '_default', welcome_text: 'Welcome {{name}}!' } })).status, 401);
    assert.equal((await request('DELETE', '/api/welcome-messages/_default')).status, 401);
  });

  it("never shows, replaces or deletes another user's configs", async () => {
    const mine = await api.post('/api/welcome-messages', { group_id: '@private_club', welcome_text: 'Secret welcome {{name}}' });
    assert.equal(mine.status, 201, JSON.stringify(mine.body));

    assert.ok(!(await groupIds(other)).includes('@private_club'));
    assert.equal((await other.delete('/api/welcome-messages/@private_club')).status, 404);
    const theirs = await other.post('/api/welcome-messages', { group_id: '@private_club', welcome_text: 'Their welcome' });
    assert.equal(theirs.status, 201, 'their own config of the same group is a new one');

    const listed = await api.get('/api/welcome-messages');
    assert.equal(listed.status, 200);
    const kept = listed.body.configs.find((c: { group_id: string }) => c.group_id === '@private_club');
    assert.equal(kept?.welcome_text, 'Secret welcome {{name}}');
    const theirList = await other.get('/api/welcome-messages');
    assert.equal(theirList.status, 200);
    assert.ok(!JSON.stringify(theirList.body).includes('Secret welcome'));
  });
});
