import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { repoRoot } from './server';

/** Debian's Chromium (`apt-get install chromium`); playwright-core downloads no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

/** The README's screenshots (committed): rewritten only when `UPDATE_SCREENSHOTS=1` asks for it. */
export const COMMITTED_SCREENSHOT_DIR = join(repoRoot, 'docs/screenshots');

let tempScreenshotDir: string | null = null;

/**
 * Where this run saves its screenshots: `docs/screenshots/` with `UPDATE_SCREENSHOTS=1`, otherwise a
 * temporary folder (the pictures are still taken, so a page that cannot be captured fails the run),
 * removed by {@link removeTempScreenshots}.
 */
export async function screenshotDir(): Promise<string> {
  if (process.env.UPDATE_SCREENSHOTS === '1') return COMMITTED_SCREENSHOT_DIR;
  tempScreenshotDir ??= await mkdtemp(join(tmpdir(), 'devflow-screenshots-'));
  return tempScreenshotDir;
}

/** Removes the temporary screenshot folder, if this run made one. */
export async function removeTempScreenshots(): Promise<void> {
  if (tempScreenshotDir) await rm(tempScreenshotDir, { recursive: true, force: true });
  tempScreenshotDir = null;
}

/** Launches headless Chromium with the flags that make it quiet and offline-friendly in CI. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page PNG of `page` as `<name>.png` in {@link screenshotDir}. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = await screenshotDir();
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  // Let fonts and late layout settle so the picture is stable.
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}
