// Rankings: naming a ranking id, asking the core for a page, and remembering the recent rankings so an event for
// a card of an earlier ranking still carries that ranking's experiment, arm and propensities.
import { uuid } from './sync.js';

const RECENT_RANKINGS = 16;

export function createRankings({ core, session, seed }) {
  let counter = 0;
  let last = null; // {rankingId, hash, rl, arm, items: Map(projectId → item)}
  const recent = new Map();

  // A seeded recommender names its rankings deterministically, so a seeded run is reproducible.
  function rankingIdFor({ rankingId, offset, hash, rl }) {
    if (rankingId) return rankingId;
    if (offset > 0 && last?.hash === hash && last.rl === rl) return last.rankingId;
    return seed !== undefined ? `seed-${seed}-${counter++}` : uuid();
  }

  // useRL undefined: the core's experiment policy decides; the result carries arm, experimentId and policy.
  function page({ hash, id, limit, offset, useRL }) {
    const result = core.recommend(session, hash, id, limit, offset, useRL);
    if (!last || last.rankingId !== id) {
      const { arm, experimentId } = result;
      last = recent.get(id) ?? { rankingId: id, hash, rl: result.policy.useRL, arm, experimentId, items: new Map() };
      recent.delete(id);
      recent.set(id, last);
      if (recent.size > RECENT_RANKINGS) recent.delete(recent.keys().next().value);
    }
    for (const it of result.items) last.items.set(it.projectId, it);
    return result;
  }

  return {
    rankingIdFor,
    page,
    lastId: () => last?.rankingId ?? null,
    get: (id) => recent.get(id),
  };
}
