// What the server's integration scripts share: a tiny sequential test runner with a closing count, and throwaway
// databases — a SQLite file, or a fresh PostgreSQL schema reached through the connection's search_path.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

// → {test(name, fn), finish(): prints "N/M passed" and exits non-zero on any failure}
export function testRunner() {
  const results = [];
  async function test(name, fn) {
    const t0 = Date.now();
    try {
      await fn();
      results.push({ name, ok: true });
      console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      results.push({ name, ok: false });
      console.log(`FAIL ${name}: ${e.stack}`);
    }
  }
  function finish() {
    const failed = results.filter((r) => !r.ok);
    console.log(`${results.length - failed.length}/${results.length} passed`);
    process.exit(failed.length ? 1 : 0);
  }
  return { test, finish };
}

// pg: a PostgreSQL connection string, or '' for SQLite files in `root`. prefix: the schemas' name prefix.
// → {newDb(name), sql(db, query), dropAll()}
export function testDatabases({ root, pg, prefix, env = process.env }) {
  const schemas = [];
  const psql = (db, query) => execFileSync('psql', [db, '-qAt', '-c', query], { encoding: 'utf8', env }).trim();
  function newDb(name) {
    if (!pg) return path.join(root, `${name}.sqlite`);
    const schema = `${prefix}_${process.pid}_${name}`;
    psql(pg, `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    schemas.push(schema);
    return `${pg}${pg.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}`;
  }
  function sql(db, query) {
    if (db.startsWith('postgres')) return psql(db, query);
    return execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim();
  }
  function dropAll() {
    if (pg && schemas.length) psql(pg, schemas.map((x) => `DROP SCHEMA IF EXISTS ${x} CASCADE;`).join(' '));
  }
  return { newDb, sql, dropAll };
}
