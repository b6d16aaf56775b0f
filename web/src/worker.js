// The module Web Worker that holds the recommender for a page (web/src/bridge.js): the WASM core, the shard, ONNX
// Runtime and every ranking run here, off the page's main thread.
import { serveRecommender } from './bridge.js';
import { createRecommender } from './index.js';

serveRecommender(self, createRecommender);
