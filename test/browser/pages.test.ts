import assert from 'node:assert/strict';
import { client, finishedBroadcast, groupKeys, newSandboxAccount } from '../support/http';
import { getStack } from '../support/stack';
import { closeBrowser, horizontalOverflow, newPage, screenshot, seriousA11yViolations, signIn, WIDTHS } from '../support/browser';

/**
 * Every page of the dashboard, as an admin with some data sees it, at a laptop's and a phone's
 * width: it renders without a script error, fits the width, passes axe-core's serious checks,
 * and is kept as a screenshot under test-results/screenshots.
 */
describe('every dashboard page at 1280 and 390 px: screenshots and the accessibility check', function () {
  this.timeout(300_000);
  const visited: string[] = [];

  after(closeBrowser);

  it('renders each page without errors, within the width, with no serious axe-core violation', async () => {
    const { adminKey } = await getStack();
    // An admin (so the users page is seen too) with data for the pages to show: an account with chats and a finished broadcast.
    const made = await client(adminKey).post('/api/admin/users', { name: 'Pages admin', role: 'admin' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const admin = { key: made.body.api_key as string, api: client(made.body.api_key) };
    const accountId = await newSandboxAccount(admin.api);
    const targets = await groupKeys(admin.api, accountId, 2);
    const created = await admin.api.post('/api/v1/broadcast', { account_id: accountId, message: 'Hi {{name}}', target_keys: targets });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const broadcastId = created.body.schedule_id;
    await finishedBroadcast(admin.api, broadcastId, 60_000);

    for (const width of WIDTHS) {
      const { context, page, errors } = await newPage(width);
      await signIn(page, admin.key);
      if (width.name === 'phone') await page.getByRole('button', { name: 'Menu' }).click();
      const hrefs = await page.getByRole('navigation', { name: 'Pages' }).getByRole('link').evaluateAll((links) => links.map((l) => l.getAttribute('href')!));
      assert.ok(hrefs.length >= 15, `the navigation lists every page: ${hrefs.join(' ')}`);
      const paths = [...hrefs, `/accounts/${accountId}`, '/broadcasts/new', `/broadcasts/${broadcastId}`, '/drips/new', '/ab-tests/new'];
      for (const target of paths) {
        await page.goto(target);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await page.waitForLoadState('networkidle');
        const name = target === '/' ? 'overview' : target.slice(1).replace(/[0-9a-f-]{36}/, 'item').replaceAll('/', '-');
        await screenshot(page, name, width.name);
        visited.push(`${name}-${width.name}`);
        const overflow = await horizontalOverflow(page);
        assert.ok(overflow <= 1, `${target} at ${width.width}px is ${overflow}px wider than the screen`);
        const violations = await seriousA11yViolations(page);
        assert.deepEqual(violations, [], `${target} at ${width.width}px: ${JSON.stringify(violations, null, 2)}`);
      }
      assert.deepEqual(errors, [], `script errors at ${width.width}px`);
      await context.close();
    }
    assert.ok(visited.length >= 40, `${visited.length} screenshots`);
  });

  it('has an accessibility check that finds serious violations where there are some', async () => {
    const { context, page } = await newPage();
    await page.setContent('<html><body><img src="data:,"><input type="text"><button></button></body></html>');
    const found = (await seriousA11yViolations(page)).map((v) => v.id);
    await context.close();
    for (const rule of ['image-alt', 'label', 'button-name']) assert.ok(found.includes(rule), `${rule} in ${found.join(', ')}`);
  });
});
