// Browser test harness: the REAL wayfinder-sync binary on a free loopback port, Debian's Chromium via playwright-core.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHOTS = path.join(ROOT, 'build/screenshots');
export const ADMIN_TOKEN = 'e2e-admin-token';

export function findServerBinary() {
  const candidates = [process.env.WAYFINDER_SYNC, ...fs.readdirSync(path.join(ROOT, 'build')).map((d) => path.join(ROOT, 'build', d, 'server/wayfinder-sync'))].filter(Boolean);
  const found = candidates.filter((f) => fs.existsSync(f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  if (!found) throw new Error('wayfinder-sync binary not found: build it (scripts/build.sh) or set WAYFINDER_SYNC');
  return found;
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function startServer() {
  execFileSync(process.execPath, [path.join(ROOT, 'web/app/stage.mjs')], { stdio: 'inherit' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-e2e-'));
  const db = path.join(dir, 'wayfinder.sqlite');
  const port = await freePort();
  const bin = findServerBinary();
  const proc = spawn(bin, ['--host', '127.0.0.1', '--port', String(port), '--db', db, '--web', path.join(ROOT, 'web/app'),
    '--models', process.env.WAYFINDER_MODELS ? path.resolve(process.env.WAYFINDER_MODELS) : path.join(ROOT, 'models/build'), '--ort', path.join(ROOT, 'web/app/ort'), '--admin-token', ADMIN_TOKEN], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not yet */
    }
    if (proc.exitCode !== null) throw new Error(`wayfinder-sync exited: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    db,
    dir,
    log: () => log,
    sql: (q) => execFileSync('sqlite3', ['-json', db, q], { encoding: 'utf8' }).trim(),
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

// stubExternal: answer navigations to other hosts locally (the app links to GitHub). Playwright's request routing
// turns Chromium's HTTP cache off, so tests that count downloads (tests/browser/firstvisit.e2e.test.mjs) pass false.
export async function launchBrowser({ stubExternal = true } = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
    viewport: { width: 1280, height: 900 },
  });
  // Every Content-Security-Policy violation any page or worker of this context reports in its console.
  const cspViolations = [];
  context.on('console', (m) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) cspViolations.push(`${m.location()?.url ?? ''}: ${m.text()}`);
  });
  // The app links to GitHub; never leave the machine: answer those navigations locally.
  if (stubExternal) {
    await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>project</title>stub' }));
  }
  return { context, userDataDir, cspViolations };
}
