import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { newStackUser, startLoginStack, telegramServer, type LoginStack, type StackClient } from '../integration/login-stack';
import { eventually } from '../support/http';
import { closeBrowser, getBrowser, newPage, signIn, WIDTHS } from '../support/browser';
import { SrpServer } from '../unit/platforms/telegram/srp-server';

/**
 * Connecting real accounts in the dashboard, on the login stack: an AutoHub whose Telegram and
 * WhatsApp drivers are the real ones, talking to stub clients and sockets instead of the platforms.
 */
describe('the dashboard connects real accounts: Telegram by code and 2FA, WhatsApp by its live QR code', function () {
  this.timeout(180_000);
  let stack: LoginStack;
  let api: StackClient;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  before(async function () {
    this.timeout(240_000);
    await getBrowser();
    stack = await startLoginStack();
    const user = await newStackUser(stack);
    api = user.api;
    ({ context, page, errors } = await newPage(WIDTHS[0], stack.baseUrl));
    await signIn(page, user.key);
  });

  after(async function () {
    this.timeout(60_000);
    await context?.close();
    await stack?.stop();
    await closeBrowser();
  });

  afterEach(() => assert.deepEqual(errors, [], 'no script error'));

  /** Adds a real (not sandbox) account on the accounts page; answers its id. */
  async function addRealAccount(fields: { name: string; platform: 'telegram' | 'whatsapp'; phone?: string; loginWith?: string }): Promise<string> {
    await page.goto('/accounts');
    await page.getByLabel('Name', { exact: true }).fill(fields.name);
    await page.getByLabel('Platform').selectOption(fields.platform);
    const sandbox = page.getByLabel('Sandbox account');
    if (await sandbox.isChecked()) await sandbox.uncheck();
    if (fields.loginWith) await page.getByLabel('Log in with').selectOption(fields.loginWith);
    if (fields.phone) await page.getByLabel('Phone', { exact: true }).fill(fields.phone);
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.waitForURL(/\/accounts\/[0-9a-f-]{36}$/);
    return page.url().split('/').pop()!;
  }

  it('logs a Telegram account in with the code Telegram sent and the 2FA password, showing a wrong code’s error', async () => {
    const password = 'correct horse battery staple';
    stack.telegram.respond = telegramServer({ code: '12345', srp: new SrpServer(password, 'the usual') });
    const id = await addRealAccount({ name: 'Alice', platform: 'telegram', phone: '+15550001111', loginWith: 'phone' });
    await page.getByLabel('Code', { exact: true }).fill('99999');
    await page.getByRole('button', { name: 'Confirm code' }).click();
    await page.getByRole('alert').filter({ hasText: 'PHONE_CODE_INVALID' }).waitFor();
    await page.getByLabel('Code', { exact: true }).fill('12345');
    await page.getByRole('button', { name: 'Confirm code' }).click();
    await page.getByText('the usual').first().waitFor();
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Confirm password' }).click();
    await page.getByText('The account is logged in and connected.').waitFor({ timeout: 60_000 });
    assert.equal((await api.get(`/api/v1/accounts/${id}`)).body.account.status, 'connected');
    // The connected account's profile comes from Telegram through the new session.
    const firstName = page.getByLabel('First name', { exact: true });
    await firstName.waitFor();
    assert.equal(await firstName.inputValue(), 'Alice');
  });

  it('shows a WhatsApp login QR code, redraws it when WhatsApp rotates it, and connects once it is scanned', async () => {
    const id = await addRealAccount({ name: 'Shop', platform: 'whatsapp', loginWith: 'qr' });
    const qr = page.getByRole('img', { name: 'WhatsApp login QR code' });
    await qr.waitFor();
    const first = await qr.getAttribute('src');
    assert.match(first ?? '', /^data:image\/png;base64,/);
    const socket = () => {
      const found = stack.whatsapp.sockets.filter((s) => s.input.accountId === id).at(-1);
      if (!found) throw new Error('no socket for the account');
      return found;
    };
    socket().emitQr('2@rotated-in-the-browser-test');
    await eventually(async () => ((await qr.getAttribute('src').catch(() => first)) !== first ? true : undefined), 30_000, 'the QR code to be redrawn');
    await socket().pair();
    await page.getByText('The account is logged in and connected.').waitFor({ timeout: 60_000 });
    assert.equal((await api.get(`/api/v1/accounts/${id}`)).body.account.status, 'connected');
  });
});
