/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core (Playwright's own
 * browser download cannot reach this network), against the test stack, which serves web/dist.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createLogger } from '../../src/logger';
import { ensureWebBuild } from '../../src/runtime/web-build';
import { getStack } from './stack';

/** Where screenshots go (ignored by git), one per page and width. */
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../test-results/screenshots');
/** The two widths every page is looked at: a laptop and a phone. */
export const WIDTHS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling Google's hosts, which this
// machine's closed network refuses; --no-sandbox because CI runs as root.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * The browser globals the callbacks below read, run inside the page: the test project is compiled
 * for Node, without the DOM library, and these callbacks are serialized into the page, never run here.
 */
declare const window: { innerWidth: number; axe: { run: (context: unknown, options: object) => Promise<{ violations: any[] }> } };
declare const document: { documentElement: { scrollWidth: number }; activeElement: { textContent: string | null } | null };

let browser: Promise<Browser> | undefined;

/** The browser of this test run, with the dashboard built and the stack up; closed by `closeBrowser`. */
export async function getBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
  }
  browser ??= (async () => {
    await ensureWebBuild(createLogger('warn'));
    await getStack();
    return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  })();
  return browser;
}

export async function closeBrowser(): Promise<void> {
  const open = browser;
  browser = undefined;
  await (await open?.catch(() => undefined))?.close();
}

/** A fresh browser context (its own cookies) at `width` on the test stack (or the AutoHub at `baseUrl`); its script errors and any load from another origin are collected in `errors`. */
export async function newPage(
  width: (typeof WIDTHS)[number] = WIDTHS[0],
  baseUrl?: string,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  baseUrl ??= (await getStack()).baseUrl;
  const context = await (await getBrowser()).newContext({ baseURL: baseUrl, viewport: { width: width.width, height: width.height } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  // No CDN: everything a page loads comes from AutoHub itself (data: URLs are made in the page).
  const origin = new URL(baseUrl).origin;
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) errors.push(`loaded from elsewhere: ${url}`);
  });
  return { context, page, errors };
}

/** Signs in on the sign-in page with `apiKey`, as a user would, and waits for the navigation. */
export async function signIn(page: Page, apiKey: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Writes a full-page screenshot of what `page` shows as test-results/screenshots/<name>-<width>.png. */
export async function screenshot(page: Page, name: string, width: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}-${width}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** What axe-core finds on the page as it is now: violations of impact serious or critical. */
export async function seriousA11yViolations(page: Page): Promise<Array<{ id: string; impact: string; help: string; targets: string[] }>> {
  // Evaluated through the DevTools protocol, so the page's content security policy does not apply to it.
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const { violations } = await window.axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n: { target: string[] }) => n.target.join(' ')) }));
  });
}

/** How many pixels the page is wider than its window (0 when nothing scrolls sideways). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** The text of the element that has the keyboard focus. */
export async function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
}
