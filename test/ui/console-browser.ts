import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-results', 'ui');

// Everything that could make Chromium phone home (updates, sync, safe browsing lists) is off:
// the suite also asserts that no request leaves loopback.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Chromium with one fresh context (1280x800), recording every URL the page requested. */
export class ConsoleBrowser {
  /** Every URL any page of the context requested, in order. */
  readonly requested: string[] = [];
  private browser?: Browser;
  private context?: BrowserContext;

  async launch(): Promise<Page> {
    // Fail, never skip: CI installs Chromium (.ci/run ensure_chromium).
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
    }
    this.browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    this.context = await this.browser.newContext({ viewport: { width: 1280, height: 800 } });
    this.context.on('request', (request) => this.requested.push(request.url()));
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    return this.context.newPage();
  }

  /** URLs requested from anywhere but the given loopback origin (data: URLs stay in the page). */
  offOrigin(origin: string): string[] {
    return this.requested.filter(
      (url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'),
    );
  }

  async close(): Promise<void> {
    await this.context?.close();
    await this.browser?.close();
  }
}

/** Saves a 1280x800 PNG of the top of the page as test-results/ui/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  // Forms scroll the page to the control they focus; the docs show each page from its top (a
  // string: the tests compile without the DOM lib).
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Retries `read` until `accept` holds (the UI polls and re-renders); resolves to the last value. */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
