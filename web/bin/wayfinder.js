#!/usr/bin/env node
// The `wayfinder` command: the package from a shell. recommend / track / embed / sync use createRecommender;
// `shard build|inspect` delegates to models/shard/ (the shard build tools).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const HELP = {
  main: `Usage: wayfinder <command> [options]

Commands:
  recommend   rank GitHub projects for a profile
  track       record feedback for a project (updates the local counts in --state at once)
  embed       print the embedding of a text
  sync        send queued feedback to a sync server and pull the community counts
  saved       list the bookmarked projects in --state, newest first
  history     list the projects opened or rated in --state, with the current rating
  forget      delete everything the server and --state hold about this learner
  shard       build|inspect project-vector shards

Run "wayfinder <command> --help" for the options of a command.`,
  recommend: `Usage: wayfinder recommend --profile FILE [--limit N] [--offset N] [--no-rl] [--bandit beta|linear|hierarchical] [--seed N]
                           [--state DIR] [--json] [--server URL] [--models DIR] [--backend web|node]

  --profile FILE  profile JSON ({"interests":[…],"languages":[…],"frameworks":[…],"goals":[…],
                  "field_of_study":"…","skill_level":"beginner|intermediate|advanced"}); "-" reads stdin
  --limit N       items per page (default 10)
  --offset N      page offset (default 0)
  --no-rl         similarity ranking only (no Thompson re-rank, no exploration)
  --bandit KIND   the re-rank's bandit term: hierarchical (default: the linear model as the prior of each
                  project's own counts), linear (the contextual arm over project features: feedback on one project
                  also moves the projects close to it) or beta (per-project counts); hierarchical and linear need
                  project features (the manifest's feature basis), else they rank with beta (the page's bandit
                  says which; a refused basis also gives a warning). Each item's posteriorMean and
                  bandit (the sampled score) show what the bandit believes
  --seed N        seed of the ranking (default: derived from the user id)
  --state DIR     keep local counts, outbox and identity in DIR/state.json (learning persists between calls)
  --json          print the page as JSON
  --server URL    sync server (models are fetched from it unless --models is given)
  --models DIR    folder holding model-info.json, the model, vocab.json and shards/ (default: models/build)
  --backend B     ONNX Runtime: web (WASM, default) or node (native onnxruntime-node)`,
  track: `Usage: wayfinder track --state DIR --type click|bookmark|rating|dwell|impression|unbookmark|not_interested|undo_not_interested
                       --project owner/repo
                       [--stars N] [--seconds N] [--position N]

  Applies the event to the local counts in DIR at once (the core's reward mapping) and queues it for sync.
  --stars N    1..5, for --type rating
  --seconds N  time spent, for --type dwell`,
  embed: `Usage: wayfinder embed TEXT [--backend web|node] [--models DIR]

  Prints the model's L2-normalised embedding of TEXT as a JSON array.`,
  sync: `Usage: wayfinder sync --state DIR --server URL

  Sends the queued events in DIR to the server (retried, idempotent) and pulls the community counts.`,
  saved: `Usage: wayfinder saved --state DIR [--json]

  Lists the projects bookmarked in DIR, newest first (the card's facts from the shard; works offline).`,
  history: `Usage: wayfinder history --state DIR [--json]

  Lists the projects opened or rated in DIR, latest first, with the current rating. Re-rate with
  "wayfinder track --type rating": a later rating replaces the earlier one.`,
  forget: `Usage: wayfinder forget --state DIR [--server URL] [--json]

  Asks the server (when --server is given) to delete every event, session and experiment assignment of this
  learner, authorised by the learner's own credential, prints what it deleted, then clears DIR. Community counts
  already merged are aggregates and stay.`,
  shard: `Usage: wayfinder shard build|inspect|features [options]

  build     build shards and manifest from the catalog and the model (models/build/shards)
  inspect   print a shard's header and checks
  features  fit the contextual arm's feature basis (native, once per shard) into shards/features.json`,
};

function die(msg, code = 2) {
  process.stderr.write(`wayfinder: ${msg}\n`);
  process.exit(code);
}

function parse(argv, options, help) {
  try {
    const r = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if (r.values.help) {
      process.stdout.write(`${help}\n`);
      process.exit(0);
    }
    return r;
  } catch (e) {
    die(`${e.message}\n\n${help}`);
  }
}

function int(v, name, min = 0) {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) die(`--${name} must be an integer >= ${min}, got "${v}"`);
  return n;
}

const common = {
  state: { type: 'string' },
  server: { type: 'string' },
  models: { type: 'string' },
  backend: { type: 'string' },
  seed: { type: 'string' },
};

async function open(values, extra = {}) {
  const { createRecommender } = await import('../src/index.js');
  const stateFile = values.state ? path.resolve(values.state, 'state.json') : 'memory';
  let userId;
  if (values.state) {
    // One stable pseudonymous id per state folder.
    const idFile = path.resolve(values.state, 'user-id');
    fs.mkdirSync(values.state, { recursive: true });
    if (!fs.existsSync(idFile)) fs.writeFileSync(idFile, `${crypto.randomUUID()}\n`);
    userId = fs.readFileSync(idFile, 'utf8').trim();
  }
  const backend = values.backend ?? 'web';
  if (!['web', 'node'].includes(backend)) die(`--backend must be web or node, got "${backend}"`);
  return createRecommender({
    server: values.server,
    userId,
    storage: stateFile,
    seed: values.seed !== undefined ? BigInt(values.seed) : undefined,
    modelsUrl: values.models ? path.resolve(values.models) : undefined,
    backend,
    autoSync: false,
    ...extra,
  });
}

async function recommend(argv) {
  const { values } = parse(
    argv,
    { ...common, profile: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' }, 'no-rl': { type: 'boolean' }, bandit: { type: 'string' }, json: { type: 'boolean' } },
    HELP.recommend,
  );
  if (values.bandit !== undefined && !['beta', 'linear', 'hierarchical'].includes(values.bandit)) die(`--bandit must be beta, linear or hierarchical, got "${values.bandit}"`);
  if (!values.profile) die(`--profile FILE is required\n\n${HELP.recommend}`);
  const limit = int(values.limit, 'limit', 1) ?? 10;
  const offset = int(values.offset, 'offset', 0) ?? 0;
  let profile;
  try {
    profile = JSON.parse(values.profile === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(values.profile, 'utf8'));
  } catch (e) {
    die(`--profile ${values.profile}: ${e.message}`);
  }
  const rec = await open(values, values.bandit ? { rerank: { bandit: values.bandit } } : {});
  try {
    const page = await rec.recommend(profile, { limit, offset, useRL: values['no-rl'] ? false : undefined });
    if (page.warning) process.stderr.write(`wayfinder: ${page.warning}\n`);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    } else {
      for (const it of page.items) {
        const c = rec.localCounts(it.projectId);
        const mine = c.alpha || c.beta ? `  [you: +${c.alpha.toFixed(2)}/−${c.beta.toFixed(2)}]` : '';
        process.stdout.write(
          `${String(it.position + 1).padStart(3)}. ${it.fullName}  (${it.kind}, ${it.language || '?'}, ${it.stars}★, ${it.complexity})` +
            `  score ${it.score.toFixed(3)} sim ${it.similarity.toFixed(3)}${it.explored ? '  [exploring]' : ''}${mine}\n` +
            `     ${it.description.slice(0, 110)}\n     why: ${it.reason || '–'}\n`,
        );
      }
      process.stdout.write(`arm ${page.arm} (bandit ${page.bandit}) · ranking ${page.rankingId} · model ${page.modelVersion}\n`);
    }
  } finally {
    await rec.dispose();
  }
}

async function track(argv) {
  const { values } = parse(
    argv,
    { ...common, type: { type: 'string' }, project: { type: 'string' }, stars: { type: 'string' }, seconds: { type: 'string' }, position: { type: 'string' } },
    HELP.track,
  );
  if (!values.state) die(`--state DIR is required\n\n${HELP.track}`);
  if (!values.type) die(`--type is required\n\n${HELP.track}`);
  if (!values.project) die(`--project owner/repo is required\n\n${HELP.track}`);
  const event = { type: values.type, projectId: values.project, position: int(values.position, 'position', 0) };
  if (values.type === 'rating') event.stars = int(values.stars, 'stars', 1);
  if (values.type === 'dwell') {
    event.seconds = Number(values.seconds);
    if (!Number.isFinite(event.seconds) || event.seconds < 0) die('--seconds must be a number >= 0');
  }
  const rec = await open(values, { preloadModel: false });
  try {
    const before = rec.localCounts(event.projectId);
    const { eventId } = await rec.track(event);
    const after = rec.localCounts(event.projectId);
    process.stdout.write(
      `${event.type} ${event.projectId} (event ${eventId}): local counts α ${before.alpha.toFixed(3)}→${after.alpha.toFixed(3)}, ` +
        `β ${before.beta.toFixed(3)}→${after.beta.toFixed(3)}; queued ${rec.pending().outbox + rec.pending().pendingEvents}\n`,
    );
  } catch (e) {
    die(e.message);
  } finally {
    await rec.dispose();
  }
}

async function embed(argv) {
  const { values, positionals } = parse(argv, { ...common }, HELP.embed);
  if (positionals.length === 0) die(`TEXT is required\n\n${HELP.embed}`);
  const rec = await open(values);
  try {
    const v = await rec.embed(positionals.join(' '));
    process.stdout.write(`${JSON.stringify(Array.from(v, (x) => Number(x.toFixed(7))))}\n`);
  } finally {
    await rec.dispose();
  }
}

async function sync(argv) {
  const { values } = parse(argv, { ...common }, HELP.sync);
  if (!values.state || !values.server) die(`--state DIR and --server URL are required\n\n${HELP.sync}`);
  const rec = await open(values, { preloadModel: false });
  try {
    const r = await rec.sync();
    process.stdout.write(`${JSON.stringify(r)}\n`);
    if (r.remaining) process.exitCode = 1;
  } finally {
    await rec.dispose();
  }
}

// saved / history: one line per project (or the JSON list with --json).
function listCommand(name, line) {
  return async (argv) => {
    const { values } = parse(argv, { ...common, json: { type: 'boolean' } }, HELP[name]);
    if (!values.state) die(`--state DIR is required\n\n${HELP[name]}`);
    const rec = await open(values, { preloadModel: false });
    try {
      const list = await rec[name]();
      if (values.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      else process.stdout.write(list.length ? `${list.map(line).join('\n')}\n` : `nothing ${name === 'saved' ? 'saved' : 'opened or rated'} yet\n`);
    } finally {
      await rec.dispose();
    }
  };
}
const day = (iso) => (iso ? iso.slice(0, 10) : '');
const saved = listCommand('saved', (s) => `${day(s.savedAt)}  ${s.fullName ?? s.projectId}${s.description ? ` — ${s.description}` : ''}`);
const history = listCommand('history', (h) =>
  `${day(h.ratedAt && (!h.openedAt || h.ratedAt > h.openedAt) ? h.ratedAt : h.openedAt)}  ${h.fullName ?? h.projectId}  ${h.stars ? `${'★'.repeat(h.stars)} (${h.stars}/5)` : 'not rated'}`);

async function forget(argv) {
  const { values } = parse(argv, { ...common, json: { type: 'boolean' } }, HELP.forget);
  if (!values.state) die(`--state DIR is required\n\n${HELP.forget}`);
  const rec = await open(values, { preloadModel: false });
  let r;
  try {
    r = await rec.forget();
  } catch (e) {
    await rec.dispose().catch(() => {});
    die(e.message, 1);
  }
  fs.rmSync(path.resolve(values.state, 'user-id'), { force: true }); // a new pseudonymous id next time
  if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else {
    const server = r.deleted ? Object.entries(r.deleted).map(([t, n]) => `${t} ${n}`).join(', ') : 'no server given';
    process.stdout.write(`forgotten: this state folder is cleared; the server deleted: ${server}\n`);
  }
}

async function shard(argv) {
  const sub = argv[0];
  if (!sub || sub === '--help' || sub === '-h') {
    process.stdout.write(`${HELP.shard}\n`);
    process.exit(sub ? 0 : 2);
  }
  // The shard tools are build tools, not part of the runtime package: they live in models/shard/ of a checkout.
  const dir = new URL('../../models/shard/', import.meta.url);
  const candidates = [`${sub}.mjs`, `${sub}.js`, 'cli.mjs', 'cli.js', 'index.mjs', 'index.js'];
  for (const f of candidates) {
    const u = new URL(f, dir);
    if (!fs.existsSync(u)) continue;
    const mod = await import(u.href);
    const fn = mod.main ?? mod[sub] ?? mod.default;
    if (typeof fn === 'function') return fn(f.startsWith(sub) ? argv.slice(1) : argv);
  }
  die(`shard ${sub}: the shard tools (models/shard/) are not in this checkout`);
}

const [cmd, ...rest] = process.argv.slice(2);
const commands = { recommend, track, embed, sync, saved, history, forget, shard };
if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
  process.stdout.write(`${HELP.main}\n`);
  process.exit(cmd ? 0 : 2);
}
if (!commands[cmd]) die(`unknown command "${cmd}"\n\n${HELP.main}`);
commands[cmd](rest).catch((e) => die(e.message, 1));
