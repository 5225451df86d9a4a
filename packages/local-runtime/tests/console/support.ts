/**
 * Shared by the console browser tests: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), and where screenshots go (a gitignored folder, kept as test artifacts).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`; `.ci/run` installs it when missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches the system Chromium headless; fails with what to install when it is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A folder for the screenshots of one test file (under the package's gitignored `.tmp/`). */
export function screenshotDir(packageRoot: URL, name: string): string {
  const dir = new URL(`.tmp/console-screenshots/${name}/`, packageRoot).pathname;
  mkdirSync(dir, { recursive: true });
  return dir;
}
