import assert from 'node:assert/strict';
import { finishedBroadcast, newUser, userWithAccount, type Client } from '../support/http';

describe('templates in full', () => {
  let api: Client;
  let accountId: string;
  before(async function () {
    this.timeout(120_000);
    ({ api, accountId } = await userWithAccount());
  });

  it('renders the variables per target when a broadcast sends', async () => {
    const template = await api.post('/api/templates', {
      name: 'vars',
      content: 'Hi {{name}} ({{username}})! {{account}} on {{ date }} at {{time}}',
    });
    assert.equal(template.status, 201);
    const created = await api.post('/api/v1/broadcast', { account_id: accountId, target_keys: ['@channel1', '-1001234567890'], template_id: template.body.id });
    await finishedBroadcast(api, created.body.schedule_id);
    const items = (await api.get(`/api/v1/accounts/${accountId}/sandbox/outbox`)).body.items;
    const today = new Date().toISOString().slice(0, 10);
    const channel = items.find((i: any) => i.chat_key === '@channel1').text;
    assert.match(channel, new RegExp(`^Hi Channel One \\(@channel1\\)! Sandbox telegram on ${today} at \\d\\d:\\d\\d$`));
    const group = items.find((i: any) => i.chat_key === '-1001234567890').text;
    assert.match(group, /^Hi Example Group \(\)! /);
  });

  it('rejects unknown variables when a template is saved, listing the known ones', async () => {
    const reply = await api.post('/api/templates', { name: 'bad', content: 'Hello {{first_name}} and {{city}}' });
    assert.equal(reply.status, 400);
    assert.match(reply.body.error, /unknown variables \{\{first_name\}\}, \{\{city\}\}/);
    assert.match(reply.body.error, /known: \{\{name\}\}, \{\{username\}\}, \{\{date\}\}, \{\{time\}\}, \{\{account\}\}/);
  });

  it('changes a template with PUT, with the same rules', async () => {
    const created = await api.post('/api/templates', { name: 'v1', content: 'one' });
    const put = await api.put(`/api/templates/${created.body.id}`, { content: 'two {{name}}' });
    assert.equal(put.status, 200);
    assert.equal(put.body.template.content, 'two {{name}}');
    assert.equal(put.body.template.name, 'v1');
    assert.equal((await api.put(`/api/templates/${created.body.id}`, { content: '{{nope}}' })).status, 400);
    assert.equal((await api.put(`/api/templates/${created.body.id}`, {})).status, 400);
    const other = await newUser();
    assert.equal((await other.api.put(`/api/templates/${created.body.id}`, { name: 'stolen' })).status, 404);
  });

  it('refuses to delete a template in use (409) and deletes it once unused', async () => {
    const template = await api.post('/api/templates', { name: 'used', content: 'in use' });
    const broadcast = await api.post('/api/v1/broadcast', {
      account_id: accountId,
      target_keys: ['@channel1'],
      template_id: template.body.id,
      schedule_type: 'interval',
      interval_minutes: 60,
    });
    const refused = await api.delete(`/api/templates/${template.body.id}`);
    assert.equal(refused.status, 409);
    assert.match(refused.body.error, /used by a broadcast/);
    assert.equal((await api.delete(`/api/v1/broadcast/${broadcast.body.schedule_id}`)).status, 200);
    assert.equal((await api.delete(`/api/templates/${template.body.id}`)).status, 200);
    assert.equal((await api.delete(`/api/templates/${template.body.id}`)).status, 404);
  });
});
