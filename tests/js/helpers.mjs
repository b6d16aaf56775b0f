// Shared test fixtures: the real model/shard build output, and skipping-free preconditions with clear messages.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// WAYFINDER_MODELS overrides the models folder (e.g. a development build).
export const MODELS = process.env.WAYFINDER_MODELS ? path.resolve(process.env.WAYFINDER_MODELS) : path.join(ROOT, 'models/build');
export const MODELS_URL = `${pathToFileURL(MODELS).href}/`;
export const CLI = path.join(ROOT, 'web/bin/wayfinder.js');

export function requireBuild() {
  const need = ['model-info.json', 'use-lite.onnx', 'vocab.json', 'shards/manifest.json'].map((f) => path.join(MODELS, f));
  need.push(path.join(ROOT, 'web/wasm/wayfinder_core_simd.mjs'));
  const missing = need.filter((f) => !fs.existsSync(f));
  if (missing.length) throw new Error(`build output missing (run scripts/build.sh): ${missing.join(', ')}`);
}

export const PROFILE = {
  interests: ['machine learning', 'data visualisation'],
  languages: ['Python'],
  frameworks: ['PyTorch'],
  goals: ['train a neural network from scratch'],
  field_of_study: 'computer science',
  skill_level: 'beginner',
};
