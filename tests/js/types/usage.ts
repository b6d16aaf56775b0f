// A typed use of the package's public API, checked by `tsc --noEmit` (tests/js/types.test.mjs): if index.d.ts and
// the documented usage drift apart, this file stops compiling. The @ts-expect-error lines pin what must be refused.
import createRecommender, {
  backoffDelay,
  SCHEMA_VERSION,
  type Profile,
  type SavedProject,
  type HistoryEntry,
  type NotInterestedEntry,
  type ExportedData,
  type ForgetResult,
  type RecommendationItem,
  type RecommendationPage,
  type Recommender,
  type SyncResult,
  type TrackEvent,
} from 'wayfinder';

const profile: Profile = {
  interests: ['web development'],
  languages: 'Python',
  goals: ['build my first website'],
  field_of_study: 'biology',
  skill_level: 'beginner',
};

export async function tour(): Promise<number> {
  const rec: Recommender = await createRecommender({ server: 'http://127.0.0.1:8080', storage: 'memory', seed: 7n, rerank: { epsilon: 0.1 } });
  const page: RecommendationPage = await rec.recommend(profile, { limit: 10, offset: 0 });
  const first: RecommendationItem | undefined = page.items[0];
  if (first) {
    const click: TrackEvent = { type: 'click', projectId: first.projectId, position: first.position, rankingId: page.rankingId };
    await rec.track(click);
    await rec.track({ type: 'rating', projectId: first.projectId, stars: 5 });
    await rec.track({ type: 'dwell', projectId: first.projectId, seconds: 12.5 });
    const counts: { alpha: number; beta: number } = rec.localCounts(first.projectId);
    const all: Record<string, { alpha: number; beta: number }> = rec.localCounts();
    void counts, all;
  }
  const saved: SavedProject[] = await rec.saved();
  const history: HistoryEntry[] = await rec.history();
  if (saved[0]) await rec.unbookmark(saved[0].projectId);
  if (history[0]) await rec.rate(history[0].projectId, 3);
  await rec.notInterested('a/b');
  await rec.undoNotInterested('a/b');
  const hidden: NotInterestedEntry[] = await rec.notInterestedList();
  const exported: ExportedData = await rec.exportData();
  const restored: { saved: number } = await rec.importData(exported);
  void hidden, restored;
  const gone: ForgetResult = await rec.forget();
  const tables: Record<string, number> | null = gone.deleted;
  void tables;
  // @ts-expect-error a rating needs stars from 1 to 5
  await rec.rate('a/b', 0);
  const synced: SyncResult = await rec.sync();
  const one: Float32Array = await rec.embed('learn rust');
  const many: Float32Array[] = await rec.embed(['a', 'b']);
  // @ts-expect-error a rating needs stars from 1 to 5
  await rec.track({ type: 'rating', projectId: 'a/b', stars: 6 });
  // @ts-expect-error an unknown event type is refused
  await rec.track({ type: 'like', projectId: 'a/b' });
  // @ts-expect-error skill levels are a closed set
  const wrong: Profile = { skill_level: 'expert' };
  void wrong, one, many;
  await rec.dispose();
  return synced.accepted + backoffDelay(1, { baseMs: 250 }) + SCHEMA_VERSION;
}
