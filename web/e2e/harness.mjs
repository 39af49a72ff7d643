// End-to-end harness: starts a real `callboard demo` (serve --demo) on a free port with a fresh data
// directory, launches Debian's Chromium through playwright-core, runs the tests in order and
// prints "N passed, N failed". Output (screenshots, downloads) goes to build/web-e2e/.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

export const repo = resolve(new URL('../..', import.meta.url).pathname);
export const outDir = process.env.CALLBOARD_E2E_OUT ?? join(repo, 'build', 'web-e2e');
export const PASSWORD = 'Demo-Callboard-1';
export const email = (role) => `${role}@demo.callboard.test`;

const STARTUP_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 180_000;

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
  return candidates.find((p) => existsSync(p));
}

export async function startServer() {
  const bin = process.env.CALLBOARD_BIN ?? join(repo, 'build', 'release', 'callboard');
  if (!existsSync(bin)) throw new Error(`no server binary at ${bin}: run make build first`);
  const webRoot = join(repo, 'web', 'dist');
  if (!existsSync(join(webRoot, 'index.html'))) throw new Error(`no built app at ${webRoot}: run npm run build in web/`);
  const data = mkdtempSync(join(tmpdir(), 'callboard-e2e-'));
  const port = await freePort();
  const child = spawn(bin, ['demo', '--data', data, '--listen', `127.0.0.1:${port}`, '--threads', '2', '--web-root', webRoot], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log}`);
    try {
      const r = await fetch(base + '/healthz');
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not healthy within ${STARTUP_TIMEOUT_MS / 1000} s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const done = new Promise((r) => child.once('exit', r));
        const timeout = new Promise((r) => setTimeout(r, 10_000, 'timeout'));
        if ((await Promise.race([done, timeout])) === 'timeout') child.kill('SIGKILL');
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('Chromium not found: install the Debian package chromium (scripts/install-deps.sh does)');
  const args = ['--disable-gpu', '--disable-dev-shm-usage'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return chromium.launch({ executablePath, headless: true, args });
}

// Fails with the list of serious or critical axe-core violations on the page.
export async function checkA11y(page, label) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) {
    const text = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`).join('\n  ');
    throw new Error(`accessibility (${label}):\n  ${text}`);
  }
  return result.violations.length;
}

// CALLBOARD_E2E_ONLY=text runs only the tests whose name contains the text.
export async function runTests(allTests) {
  const only = process.env.CALLBOARD_E2E_ONLY;
  const tests = only ? allTests.filter(([name]) => name.includes(only)) : allTests;
  mkdirSync(outDir, { recursive: true });
  // Failure screenshots of an earlier run would pass for this one's.
  for (const f of readdirSync(outDir)) if (f.startsWith('failed-')) rmSync(join(outDir, f));
  let server;
  let browser;
  let passed = 0;
  let failed = 0;
  try {
    server = await startServer();
    browser = await launchBrowser();
    for (const [name, fn] of tests) {
      const context = await browser.newContext({ baseURL: server.base, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      // Script errors, and HTTP errors by method and path (the console only says "401").
      const consoleErrors = [];
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      page.on('response', (r) => {
        if (r.status() >= 400) consoleErrors.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
      });
      const started = Date.now();
      try {
        let timer;
        await Promise.race([
          fn({ page, context, base: server.base, browser, consoleErrors }),
          new Promise((_, fail) => (timer = setTimeout(() => fail(new Error(`timed out after ${TEST_TIMEOUT_MS / 1000} s`)), TEST_TIMEOUT_MS))),
        ]).finally(() => clearTimeout(timer));
        passed++;
        console.log(`ok - ${name} (${Date.now() - started} ms)`);
      } catch (e) {
        failed++;
        console.log(`not ok - ${name}\n  ${String(e?.stack ?? e).split('\n').join('\n  ')}`);
        await page.screenshot({ path: join(outDir, `failed-${name.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => undefined);
      } finally {
        await context.close();
      }
    }
  } catch (e) {
    failed++;
    console.log(`not ok - setup\n  ${String(e?.stack ?? e)}`);
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
