import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { groupKeys, newSandboxAccount, newUser, outboxItems, eventually, type Client } from '../support/http';
import { closeBrowser, focusedText, newPage, signIn } from '../support/browser';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * The journeys of a new user, each done in the dashboard as a user would, in Chromium; the API
 * is asked only to check what the page claims happened.
 */
describe('the dashboard in a real browser: a new user’s journeys', function () {
  this.timeout(180_000);
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let user: { id: string; key: string; api: Client };

  beforeEach(async () => {
    user = await newUser();
    ({ context, page, errors } = await newPage());
    await signIn(page, user.key);
  });

  afterEach(async function () {
    await context?.close();
    assert.deepEqual(errors, [], 'no script error on any page');
  });

  after(closeBrowser);

  /** Creates a sandbox account through the accounts page; answers its id, read from the page it lands on. */
  async function addSandboxAccount(name: string): Promise<string> {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Accounts', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Platform').selectOption('telegram');
    const sandbox = page.getByLabel('Sandbox account');
    if (!(await sandbox.isChecked())) await sandbox.check();
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.waitForURL(/\/accounts\/[0-9a-f-]{36}$/);
    return page.url().split('/').pop()!;
  }

  it('signs in with a key, stays signed in across a reload, and signs out; a wrong key shows the API’s message', async () => {
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill('ahk_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid or missing API key' }).waitFor();
    const cookies = await context.cookies();
    assert.equal(cookies.find((c) => c.name === 'autohub_session'), undefined, 'signed out: no session cookie');
  });

  it('works by keyboard alone: sign-in with Enter, the skip link first, then every page by Tab and Enter', async () => {
    const keyboard = await newPage();
    try {
      const p = keyboard.page;
      await p.goto('/');
      await p.getByLabel('API key').waitFor();
      await p.keyboard.type(user.key); // the key field has the focus from the start
      await p.keyboard.press('Enter');
      await p.getByRole('button', { name: 'Sign out' }).waitFor();
      const focused = () => focusedText(p);
      await p.keyboard.press('Tab');
      assert.equal(await focused(), 'Skip to content');
      let tabs = 0;
      while ((await focused()) !== 'Broadcasts') {
        assert.ok(++tabs < 30, 'the Broadcasts link is reachable by Tab');
        await p.keyboard.press('Tab');
      }
      await p.keyboard.press('Enter');
      await p.getByRole('heading', { name: 'Broadcasts', level: 1 }).waitFor();
      assert.deepEqual(keyboard.errors, []);
    } finally {
      await keyboard.context.close();
    }
  });

  it('creates a sandbox account', async () => {
    const id = await addSandboxAccount('Shop');
    const account = (await user.api.get(`/api/v1/accounts/${id}`)).body.account;
    assert.equal(account.name, 'Shop');
    assert.equal(account.sandbox, true);
    await page.getByText(account.status, { exact: false }).first().waitFor();
  });

  it('sends a broadcast now and watches its run complete, target by target', async () => {
    const accountId = await newSandboxAccount(user.api);
    const keys = await groupKeys(user.api, accountId, 2);
    assert.equal(keys.length, 2);
    await page.goto('/broadcasts/new');
    await page.getByLabel('Account').selectOption(accountId);
    await page.getByLabel('Message').fill('Hello from the dashboard');
    const targets = page.getByRole('group', { name: 'Targets' }).getByRole('checkbox');
    await targets.nth(1).check();
    await targets.nth(2).check();
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    await page.getByRole('region', { name: 'Dry run' }).or(page.getByRole('table', { name: 'Dry run' })).first().waitFor();
    await page.getByRole('button', { name: 'Create broadcast' }).click();
    await page.waitForURL(/\/broadcasts\/[0-9a-f-]{36}$/);
    await page.getByText('Delivered: 2 of 2').waitFor({ timeout: 60_000 });
    const id = page.url().split('/').pop()!;
    const run = (await user.api.get(`/api/v1/broadcast/${id}`)).body.broadcast.last_run;
    assert.equal(run.status, 'completed');
  });

  it('creates an interval broadcast and pauses it', async () => {
    const accountId = await newSandboxAccount(user.api);
    await page.goto('/broadcasts/new');
    await page.getByLabel('Account').selectOption(accountId);
    await page.getByLabel('Message').fill('Every hour');
    await page.getByRole('group', { name: 'Targets' }).getByRole('checkbox').nth(1).check();
    await page.getByLabel('Schedule').selectOption('interval');
    await page.getByLabel('Every (minutes)').fill('60');
    await page.getByRole('button', { name: 'Create broadcast' }).click();
    await page.waitForURL(/\/broadcasts\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    const id = page.url().split('/').pop()!;
    assert.equal((await user.api.get(`/api/v1/broadcast/${id}`)).body.broadcast.enabled, false);
  });

  it('adds an auto-reply, injects a message, and sees the reply in the outbox', async () => {
    const accountId = await newSandboxAccount(user.api);
    await page.goto('/auto-replies');
    await page.getByLabel('Keyword').fill('price');
    await page.getByLabel('Reply', { exact: true }).fill('It costs 5');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('region', { name: 'Rules' }).getByText('It costs 5').waitFor();
    const [group] = await groupKeys(user.api, accountId, 1);
    await page.goto(`/accounts/${accountId}`);
    const inject = page.getByRole('form', { name: 'Inject a message' });
    await inject.getByLabel('Chat', { exact: true }).fill(group!);
    await inject.getByLabel('Sender', { exact: true }).fill('u-ann');
    await inject.getByLabel('Text', { exact: true }).fill('what is the price?');
    await inject.getByRole('button', { name: 'Inject' }).click();
    await page.getByRole('region', { name: 'Outbox' }).getByText('It costs 5').waitFor({ timeout: 60_000 });
    const items = await outboxItems(user.api, accountId);
    assert.ok(items.some((i) => JSON.stringify(i).includes('It costs 5')), 'the reply was sent');
  });

  it('imports a CSV of contacts with its column mapping and shows the per-row report', async () => {
    await page.goto('/contacts');
    await page.getByLabel('CSV file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from('name,phone\nAda,+14155550101\nGrace,+14155550102\n') });
    await page.getByLabel('Column for phone').waitFor();
    await page.getByRole('button', { name: 'Import' }).click();
    const report = page.getByRole('region', { name: 'Import report' });
    await report.getByText('2 created').first().waitFor();
    const contacts = await eventually(async () => {
      const reply = await user.api.get('/api/contacts');
      return reply.body.contacts.length === 2 ? reply.body.contacts : undefined;
    });
    assert.deepEqual(contacts.map((c: any) => c.name).sort(), ['Ada', 'Grace']);
  });

  it('creates a drip campaign and starts it', async () => {
    const accountId = await newSandboxAccount(user.api);
    await page.goto('/drips/new');
    await page.getByLabel('Name', { exact: true }).fill('Onboarding');
    await page.getByLabel('Account').selectOption(accountId);
    await page.getByLabel('Message').first().fill('Welcome aboard');
    await page.getByRole('group', { name: 'Targets' }).getByRole('checkbox').nth(1).check();
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.waitForURL(/\/drips\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    const id = page.url().split('/').pop()!;
    assert.equal((await user.api.get(`/api/drip-campaigns/${id}`)).body.campaign.status, 'active');
  });

  it('creates a webhook, sends its test, and sees the delivery in the log', async () => {
    const receiver = new WebhookReceiver();
    const url = await receiver.start();
    try {
      await page.goto('/webhooks');
      await page.getByLabel('URL').fill(`${url}/hook`);
      const events = page.getByRole('group', { name: 'Events' }).getByRole('checkbox');
      await events.first().check();
      await page.getByRole('button', { name: 'Create webhook' }).click();
      await page.getByTestId('secret').waitFor();
      await page.getByRole('button', { name: 'Send test' }).first().click();
      await page.getByRole('region', { name: 'Delivery log' }).getByText('webhook.test').first().waitFor({ timeout: 60_000 });
      await eventually(async () => (receiver.received.length > 0 ? true : undefined), 30_000, 'the test delivery');
      assert.match(receiver.received[0]!.body, /webhook\.test/);
    } finally {
      await receiver.stop();
    }
  });

  it('opens analytics: the daily chart, the peak-hours heatmap and the per-account table', async () => {
    await newSandboxAccount(user.api);
    await page.goto('/analytics');
    await page.locator('canvas').first().waitFor();
    await page.getByRole('table', { name: 'Peak hours' }).waitFor();
    await page.getByRole('heading', { name: 'Analytics' }).waitFor();
  });
});
