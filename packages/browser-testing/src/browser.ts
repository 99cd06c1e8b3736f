import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium unless CHROMIUM_PATH names another build (`npx playwright install` cannot run here). */
const EXECUTABLE_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless and quiet: no sandbox (tests run as root in containers), no GPU, and no calls home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const LAUNCH_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Launches headless Chromium through playwright-core; fails after 30 s. Playwright turns the back/forward cache off
 * (`--disable-back-forward-cache`); `backForwardCache` keeps it on as in a person's browser, where Back can show a
 * page exactly as it was left, scripts and all, without loading it again.
 */
export function launchChromium(options: { backForwardCache?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: EXECUTABLE_PATH,
    args: CHROMIUM_ARGS,
    timeout: LAUNCH_TIMEOUT_MS,
    ...(options.backForwardCache && { ignoreDefaultArgs: ['--disable-back-forward-cache'] }),
  });
}

/** Closes the browser, giving up (and reporting) after 10 s so a wedged browser cannot hang a test run's teardown. */
export async function closeBrowser(browser: Browser): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Chromium did not close within ${CLOSE_TIMEOUT_MS} ms`)),
      CLOSE_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([browser.close(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
