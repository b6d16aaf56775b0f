// Sums every test result the run produced into one closing line: "N passed, N failed".
// Inputs (in each results folder given; later folders are prefixed by their name): CTest JUnit files (*.junit.xml); GoogleTest JSON files named after a CTest
// test (<ctest-name>.json, counted per test case in place of that CTest entry); node:test TAP files (*.tap).
import fs from 'node:fs';
import path from 'node:path';

const dirs = process.argv.slice(2);
let passed = 0, failed = 0, skipped = 0;
const lines = [];

function gtestCounts(file) {
  const j = JSON.parse(fs.readFileSync(file, 'utf8'));
  const total = j.tests ?? 0, fail = (j.failures ?? 0) + (j.errors ?? 0), dis = j.disabled ?? 0;
  return { pass: total - fail - dis, fail, skip: dis };
}

for (const dir of dirs) {
  if (!fs.existsSync(dir)) continue;
  const tag = dir === dirs[0] ? '' : `${path.basename(dir)}/`;  // e.g. "postgresql/server_unit"
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (name.endsWith('.junit.xml')) {
      const xml = fs.readFileSync(file, 'utf8');
      for (const m of xml.matchAll(/<testcase name="([^"]*)"[^>]*status="([^"]*)"/g)) {
        const [, test, status] = m;
        const json = path.join(dir, `${test}.json`);
        let c;
        if (fs.existsSync(json)) {
          try { c = gtestCounts(json); } catch { c = null; }
          // A crashed binary may leave a partial JSON: the CTest verdict still counts as a failure.
          if (c && status !== 'run' && c.fail === 0) c.fail = 1;
        }
        if (!c) c = status === 'run' ? { pass: 1, fail: 0, skip: 0 }
                  : status === 'disabled' || status === 'notrun' ? { pass: 0, fail: 0, skip: 1 }
                  : { pass: 0, fail: 1, skip: 0 };
        passed += c.pass; failed += c.fail; skipped += c.skip;
        lines.push(`${c.fail ? 'FAIL' : 'ok  '} ${tag}${test}: ${c.pass} passed, ${c.fail} failed`);
      }
    } else if (name.endsWith('.tap')) {
      const tap = fs.readFileSync(file, 'utf8');
      const get = (k) => Number((tap.match(new RegExp(`^# ${k} (\\d+)`, 'm')) ?? [0, 0])[1]);
      let pass = get('pass'), fail = get('fail') + get('cancelled');
      if (!/^# tests \d+/m.test(tap)) fail += 1;  // the runner died before its summary
      passed += pass; failed += fail; skipped += get('skipped') + get('todo');
      lines.push(`${fail ? 'FAIL' : 'ok  '} ${tag}${name.replace(/\.tap$/, '')}: ${pass} passed, ${fail} failed`);
    }
  }
}
console.log(lines.join('\n'));
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
