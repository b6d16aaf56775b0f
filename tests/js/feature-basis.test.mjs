// The contextual arm's feature basis in the package: loaded from the manifest's "features" entry through the asset
// loader (checked against the manifest's sha256), so a linear-arm page is ranked by the contextual arm. A basis whose
// bytes are not the manifest's, or a corrupt or wrongly sized one, is refused with a warning naming the file and the
// field; the session then ranks the linear arm with the Beta arm, the page says so, and no learner data is lost.
// Without a bandit option the default arm (hierarchical) ranks, or the Beta arm silently while there is no basis.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { createRecommender } from '../../web/src/index.js';
import { MemoryStorage } from '../../web/src/storage.js';
import { MODELS, PROFILE, requireBuild } from './helpers.mjs';

const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

// A models folder of links to the real build, with its own manifest and basis file (edited by `edit`).
function modelsWith(edit) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-basis-'));
  for (const f of fs.readdirSync(MODELS)) if (f !== 'shards') fs.symlinkSync(path.join(MODELS, f), path.join(dir, f));
  fs.mkdirSync(path.join(dir, 'shards'));
  const manifest = JSON.parse(fs.readFileSync(path.join(MODELS, 'shards/manifest.json'), 'utf8'));
  for (const f of manifest.shards.flatMap((s) => [s.file, s.vectors.file])) fs.symlinkSync(path.join(MODELS, 'shards', f), path.join(dir, 'shards', f));
  const basis = fs.readFileSync(path.join(MODELS, 'shards', manifest.features.file), 'utf8');
  const out = edit({ manifest, basis }) ?? { manifest, basis };
  fs.writeFileSync(path.join(dir, 'shards/manifest.json'), JSON.stringify(out.manifest));
  fs.writeFileSync(path.join(dir, 'shards', manifest.features.file), out.basis);
  return `${pathToFileURL(dir).href}/`;
}

// The basis re-listed in the manifest, as a build would (so only the core's own checks can refuse it).
function relisted(manifest, basis) {
  return { manifest: { ...manifest, features: { ...manifest.features, sha256: sha256(basis), bytes: Buffer.byteLength(basis) } }, basis };
}

async function openWith(modelsUrl, storage, options = { rerank: { bandit: 'linear' } }) {
  const warnings = [];
  const original = console.warn;
  console.warn = (m) => warnings.push(String(m));
  try {
    const rec = await createRecommender({ modelsUrl, storage, userId: 'basis-learner', seed: 9n, autoSync: false, preloadModel: false, ...options });
    return { rec, warnings };
  } finally {
    console.warn = original;
  }
}

const CASES = [
  ['bytes that are not the manifest\'s', ({ manifest, basis }) => ({ manifest, basis: basis.replace('"fittedRows"', '"fittedRowz"') }), /features\.json: sha256 \w+ and \d+ bytes differ from manifest fields 'features.sha256' and 'features.bytes'/],
  ['a truncated file', ({ manifest, basis }) => relisted(manifest, basis.slice(0, 5000)), /features\.json: not valid JSON/],
  ['a wrongly sized basis', ({ manifest, basis }) => {
    const b = JSON.parse(basis);
    b.inputDim = 256;
    b.mean = b.mean.slice(0, 256);
    b.components = b.components.map((c) => c.slice(0, 256));
    return relisted(manifest, JSON.stringify(b));
  }, /features\.json: feature basis: inputDim is 256, the shard's vectors have 512 values/],
  ['a non-finite component', ({ manifest, basis }) => {
    const b = JSON.parse(basis);
    b.components[2][5] = 'NaN';
    return relisted(manifest, JSON.stringify(b));
  }, /features\.json: feature basis: components\[2\] must be a finite number/],
];

test('the shipped basis is loaded: a linear-arm page is ranked by the contextual arm', async () => {
  requireBuild();
  const { rec, warnings } = await openWith(modelsWith(() => undefined), new MemoryStorage());
  try {
    const page = await rec.recommend(PROFILE, { limit: 5, allowLexical: true });
    assert.equal(page.bandit, 'linear');
    assert.equal(page.warning, null);
    assert.deepEqual(warnings, []);
  } finally {
    await rec.dispose();
  }
});

for (const [what, edit, message] of CASES) {
  test(`${what}: refused with a warning naming the file and field; Beta arm, learner data kept`, async () => {
    requireBuild();
    const storage = new MemoryStorage();
    const good = await openWith(modelsWith(() => undefined), storage);
    await good.rec.track({ type: 'rating', stars: 5, projectId: 'karpathy/micrograd' });
    const counts = good.rec.localCounts();
    await good.rec.dispose();
    const { rec, warnings } = await openWith(modelsWith(edit), storage);
    try {
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], message);
      assert.match(warnings[0], /the contextual arm ranks with the Beta arm/);
      const page = await rec.recommend(PROFILE, { limit: 5, allowLexical: true });
      assert.equal(page.bandit, 'beta');
      assert.match(page.warning, /the contextual arm ranked with the Beta arm: features\.json/);
      assert.deepEqual(rec.localCounts(), counts, 'no learner data is lost');
    } finally {
      await rec.dispose();
    }
  });
}

// The default arm (no bandit option) is the hierarchical one once the basis is in; a manifest without a basis (its
// features never arrive) ranks with the Beta arm, the documented fallback: page.bandit says so, and no warning.
test('default options: the hierarchical arm with the basis, the Beta arm silently without one', async () => {
  requireBuild();
  const withBasis = await openWith(modelsWith(() => undefined), new MemoryStorage(), {});
  try {
    const page = await withBasis.rec.recommend(PROFILE, { limit: 5, allowLexical: true });
    assert.equal(page.bandit, 'hierarchical');
    assert.equal(page.warning, null);
    assert.deepEqual(withBasis.warnings, []);
  } finally {
    await withBasis.rec.dispose();
  }
  const noBasis = modelsWith(({ manifest, basis }) => {
    const { features, ...rest } = manifest;
    return { manifest: rest, basis };
  });
  const without = await openWith(noBasis, new MemoryStorage(), {});
  try {
    const page = await without.rec.recommend(PROFILE, { limit: 5, allowLexical: true });
    assert.equal(page.bandit, 'beta');
    assert.equal(page.warning, null);
    assert.deepEqual(without.warnings, []);
  } finally {
    await without.rec.dispose();
  }
});
