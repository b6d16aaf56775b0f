// The one way tests start a real wayfinder-sync: `--port 0`, and the port read from the server's own "listening"
// log line (no probing for a free port, which can race). Used by the server integration tests and the browser tests.
import { spawn } from 'node:child_process';

// args: the server's arguments (without --port); env: added to the environment.
// → {child, port, base, exited (a promise of {code, signal}), log(): all stderr so far}
export async function startSyncServer(bin, args, { env = {} } = {}) {
  const child = spawn(bin, ['--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      log += d;
      const line = log.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (line) resolve(JSON.parse(line).port);
    });
    child.on('exit', (code) => reject(new Error(`wayfinder-sync exited ${code} before listening: ${log}`)));
  });
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, port, base: `http://127.0.0.1:${port}`, exited, log: () => log };
}

// SIGTERM to every server, then waits until all have exited.
export async function stopSyncServers(servers) {
  for (const s of servers) {
    try {
      s.child.kill('SIGTERM');
    } catch {
      /* already gone */
    }
  }
  await Promise.all(servers.map((s) => s.exited));
}
