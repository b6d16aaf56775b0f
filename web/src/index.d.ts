// Types of the wayfinder package (docs/ARCHITECTURE.md, "Public JS API").
export interface Profile {
  interests?: string[] | string;
  languages?: string[] | string;
  frameworks?: string[] | string;
  goals?: string[] | string;
  field_of_study?: string;
  skill_level?: 'beginner' | 'intermediate' | 'advanced';
}
export interface KeyValueStorage {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  setMany(entries: Record<string, unknown>): Promise<void>;
  close?(): Promise<void>;
}
export interface RecommenderOptions {
  server?: string;
  userId?: string;
  storage?: 'indexeddb' | 'memory' | string | { file: string } | KeyValueStorage;
  seed?: bigint | number | string;
  modelsUrl?: string;
  modelInfoUrl?: string;
  manifestUrl?: string;
  modelUrl?: string;
  /** 'int8' (default when model-info.json lists one: ~4x fewer bytes) or 'float32' (the reference model). */
  modelPrecision?: 'int8' | 'float32';
  /** ONNX Runtime's start-up waits until the first ranking is out or the model is needed (default false). */
  modelStartAfterRanking?: boolean;
  /** Start the model download when the shard's lexical part is in, and the vectors part's after the model's (default
   * true: the first ranking comes sooner and ONNX Runtime starts while the vectors download). */
  modelAfterShard?: boolean;
  vocabUrl?: string;
  /** The shard's lexical part (ids, metadata, BM25, facets); default from the manifest. */
  shardUrl?: string;
  /** The shard's vectors part; default from the manifest entry's `vectors.file`. */
  vectorsUrl?: string;
  /** The feature basis file (default: the manifest's "features" entry next to the manifest). */
  featuresUrl?: string;
  backend?: 'web' | 'node';
  ortWasmPaths?: string;
  /** URL of web/src/embed-worker.js (or its bundle): where ONNX Runtime runs when the recommender is itself in a worker. */
  embedWorkerUrl?: string;
  numThreads?: number;
  rerank?: {
    similarityWeight?: number; banditWeight?: number; epsilon?: number; candidateMultiplier?: number; minDepth?: number;
    /** first N unshown content candidates that ε-exploration picks from (default 200; 0 = every eligible project) */
    explorationPool?: number; propensityDraws?: number; contentDepth?: number;
    /** 'hierarchical' (default: the linear model as the prior of each project's counts), 'linear' (the contextual
     *  arm) or 'beta' (per-project counts); the first two need project features (the manifest's feature basis and
     *  the shard's vectors) and rank with 'beta' until they are loaded (silently; page.bandit says so) */
    bandit?: 'beta' | 'linear' | 'hierarchical';
  };
  dailyCap?: number;
  retry?: { maxAttempts?: number; baseMs?: number; capMs?: number };
  autoSync?: boolean;
  syncDelayMs?: number;
  preloadModel?: boolean;
  /** Every download's progress: stage, decoded bytes so far, expected total (from the manifest / model-info). */
  onProgress?: (p: { stage: 'shard' | 'vectors' | 'model' | 'runtime' | 'vocab' | 'features'; loaded: number; total: number | null; cached: boolean; done?: boolean }) => void;
  /** Expected bytes of ONNX Runtime's .wasm, for onProgress totals (the app reads it from sizes.json). */
  ortWasmBytes?: number;
  simd?: boolean;
  wasmUrl?: string;
  fetch?: typeof fetch;
}
export interface RecommendationItem {
  projectId: string;
  fullName: string;
  description: string;
  language: string;
  url: string;
  stars: number;
  complexity: 'beginner' | 'intermediate' | 'advanced';
  /** What the project is for a learner (models/catalog/kind.mjs). */
  kind: 'tutorial' | 'book' | 'exercises' | 'example' | 'list' | 'reference' | 'library' | 'tool' | 'app';
  topics: string[];
  position: number;
  score: number;
  similarity: number;
  bandit: number;
  posteriorMean: number;
  evidence: number;
  explored: boolean;
  propensity: number;
  /** probability that the other A/B arm's policy would have put this project in this slot (sent as altPropensity) */
  altPropensity: number;
  reason: string;
  reasons: string[];
  communityScore: number | null;
}
export interface RecommendationPage {
  items: RecommendationItem[];
  rankingId: string;
  arm: string;
  experimentId: string | null;
  /** What ranked this page: the bandit on or off and its ε and blend, after this learner's experiment arms. */
  policy: { useRL: boolean; epsilon: number; similarityWeight: number; banditWeight: number };
  /** The bandit term that ranked this page: 'beta' (per-project counts), 'linear' (the contextual arm),
   *  'hierarchical' (linear prior + per-project counts), 'none'. */
  bandit: 'beta' | 'linear' | 'hierarchical' | 'none';
  /** Why the page was not ranked as asked (a features arm whose feature basis was refused), else null. */
  warning: string | null;
  offset: number;
  exhausted: boolean;
  /** 'lexical': ranked before the model was in (no embedding term); 'embedding': the full content ranking. */
  stage: 'lexical' | 'embedding';
  modelVersion: string;
  shardVersion: string;
}
export type TrackEvent =
  | { type: 'impression' | 'click' | 'bookmark' | 'unbookmark' | 'not_interested' | 'undo_not_interested'; projectId: string; position?: number; rankingId?: string; at?: number | string }
  | { type: 'rating'; projectId: string; stars: 1 | 2 | 3 | 4 | 5; comment?: string; position?: number; rankingId?: string; at?: number | string }
  | { type: 'dwell'; projectId: string; seconds: number; position?: number; rankingId?: string; at?: number | string };
/** A project's card facts outside a ranking (from the shard on this device); only projectId when it is not in it. */
export interface ProjectCard {
  projectId: string;
  fullName?: string;
  description?: string;
  language?: string;
  url?: string;
  stars?: number;
  complexity?: 'beginner' | 'intermediate' | 'advanced';
  kind?: RecommendationItem['kind'];
  topics?: string[];
  /** The ranking of the event that decided this entry: a correction is sent under it (same episode). */
  rankingId: string;
}
export interface SavedProject extends ProjectCard {
  /** ISO-8601 UTC time of the bookmark. */
  savedAt: string;
}
export interface HistoryEntry extends ProjectCard {
  /** Latest click or dwell. */
  openedAt?: string;
  /** Latest rating and its stars (a later rating replaced any earlier one). */
  ratedAt?: string;
  stars?: 1 | 2 | 3 | 4 | 5;
}
export interface NotInterestedEntry extends ProjectCard {
  hiddenAt: string;
}
/** The export file: docs/export.schema.json. */
export interface ExportedData {
  format: 'wayfinder-export';
  version: 1;
  exportedAt: string;
  clientId: string;
  profile: Profile | null;
  saved: SavedProject[];
  history: HistoryEntry[];
  notInterested: NotInterestedEntry[];
  localCounts: Record<string, { alpha: number; beta: number }>;
  /** Wire events not yet acknowledged by the server. */
  queuedEvents: Record<string, unknown>[];
  /** The core's saved states (what importData restores). */
  state: { learner: Record<string, unknown>; space: Record<string, unknown> };
}
export interface ForgetResult {
  /** Rows the server deleted, per table (null when there is no server). */
  deleted: Record<string, number> | null;
  /** Keys cleared on this device. */
  cleared: string[];
}
export interface SyncResult {
  accepted: number;
  duplicates: number;
  remaining: number;
  error?: Error | null;
  communityVersion: number | null;
  communityChanged: boolean;
}
export interface Recommender {
  readonly userId: string;
  readonly modelVersion: string;
  readonly shardVersion: string;
  /** Milliseconds of the start-up phases and of the last recommend() (coreMs, shardMs, vectorsMs, modelMs, readyMs, lastRecommendMs). */
  readonly timings: Record<string, number>;
  /** The storage this recommender keeps its state in. */
  readonly storage: KeyValueStorage;
  /** kinds: only projects of these learning kinds (tutorial, book, exercises, example, list, reference, library, tool,
   *  app) or groups (hands-on, learning, software); [] = every kind. An unknown kind throws, naming the allowed ones. */
  recommend(profile: Profile, options?: { limit?: number; offset?: number; useRL?: boolean; rankingId?: string; kinds?: string[]; allowLexical?: boolean }): Promise<RecommendationPage>;
  /** Resolves when the embedding model is loaded and the shard's vectors part attached (an embedding ranking is possible);
   *  rejects with the download or start-up error. */
  modelReady(): Promise<true>;
  /** Computes and caches the profile's embedding-based content ranking, so a later recommend() is immediate. */
  prepare(profile: Profile, options?: { kinds?: string[] }): Promise<'lexical' | 'embedding'>;
  track(event: TrackEvent): Promise<{ eventId: string }>;
  sync(): Promise<SyncResult>;
  embed(text: string): Promise<Float32Array>;
  embed(texts: string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
  savedProfile(): Promise<Profile | null>;
  stats(): { tracked: number; outbox: number; pendingBatches: number; pendingEvents: number };
  pending(): { outbox: number; pendingBatches: number; pendingEvents: number };
  localCounts(projectId: string): { alpha: number; beta: number };
  localCounts(): Record<string, { alpha: number; beta: number }>;
  flushOnHide(): number;
  /** What flushOnHide() would send (the outbox sealed first), for a page whose recommender runs in a worker. */
  pageHideRequests(): Array<{ url: string; body: string; count: number }>;
  liveHandles(): number;
  /** Bookmarked projects, newest first, with the card's facts (works offline). */
  saved(): Promise<SavedProject[]>;
  /** Projects opened or rated, latest activity first, with the current rating. */
  history(): Promise<HistoryEntry[]>;
  /** Projects marked "not interested" (hidden from every page until undone). */
  notInterestedList(): Promise<NotInterestedEntry[]>;
  /** Takes a bookmark back (an `unbookmark` event; the fold takes the bookmark's reward back). */
  unbookmark(projectId: string): Promise<{ changed: boolean }>;
  /** Rates (or re-rates) a project; the new rating replaces the earlier one. */
  rate(projectId: string, stars: 1 | 2 | 3 | 4 | 5, options?: { comment?: string }): Promise<{ changed: boolean }>;
  /** Hides the project from this learner's pages at once (pages still hold the number asked for); reward −10. */
  notInterested(projectId: string, options?: { rankingId?: string }): Promise<{ changed: boolean }>;
  undoNotInterested(projectId: string): Promise<{ changed: boolean }>;
  /** Everything the device holds, as one JSON object (docs/export.schema.json). */
  exportData(): Promise<ExportedData>;
  /** Asks the server to delete every event, session and assignment of this client (authorised by its own
   *  credential), then clears the device and disposes the recommender. Rejects, touching nothing, when the server
   *  cannot be reached or refuses. Merged community counts are aggregates and stay. */
  forget(): Promise<ForgetResult>;
  /** Restores an export on a device that holds no learner data yet. */
  importData(data: ExportedData): Promise<{ saved: number; history: number; notInterested: number }>;
}
export function createRecommender(options?: RecommenderOptions): Promise<Recommender>;
/** A Recommender running in a module Web Worker (web/src/bridge.js): any method is forwarded and returns a Promise
 *  (also a method added later); plain properties are mirrored after every call; flushOnHide() runs on the page. */
export type RemoteRecommender = {
  readonly [K in keyof Recommender]: Recommender[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : Recommender[K];
} & { readonly remote: true; flushOnHide(): number };
/** createRecommender inside a module Web Worker where the platform has workers (browsers), else in this thread. */
export function createRecommenderInWorker(options?: RecommenderOptions, how?: { workerUrl?: string | URL }): Promise<RemoteRecommender | Recommender>;
export default createRecommender;
export const SCHEMA_VERSION: number;
export function backoffDelay(attempt: number, options?: { baseMs?: number; capMs?: number; random?: () => number }): number;
