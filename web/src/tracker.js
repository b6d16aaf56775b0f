// track(): the wire event (docs/ARCHITECTURE.md) is built from the ranking it names, validated and folded by the
// core (which throws naming a bad field), then written to the outbox in one storage transaction with the core's
// learner state and the tracked counter.
import { uuid } from './sync.js';

export function createTracker({ learner, rankings, experiments, sync, stats, versions, onQueued }) {
  let chain = Promise.resolve();

  function wireEvent(event) {
    if (!event || typeof event !== 'object') throw new TypeError('event must be an object with a type and a projectId');
    const projectId = String(event.projectId ?? '').toLowerCase();
    const rankingId = event.rankingId ?? rankings.lastId() ?? '';
    const ranking = rankings.get(rankingId);
    const shown = ranking?.items.get(projectId);
    const now = ranking ?? experiments.current();
    const wire = {
      eventId: uuid(),
      type: event.type,
      projectId,
      rankingId,
      position: event.position ?? shown?.position,
      arm: event.arm ?? now.arm,
      experimentId: now.experimentId ?? undefined,
      at: new Date(event.at ?? Date.now()).toISOString(),
      ...versions,
    };
    if (wire.position === undefined) delete wire.position;
    if (wire.experimentId === undefined) delete wire.experimentId;
    if (shown?.propensity != null) wire.propensity = shown.propensity;
    // The other A/B arm's probability of this slot, for the server's off-policy estimate of that arm.
    if (shown?.altPropensity != null) wire.altPropensity = shown.altPropensity;
    if (event.stars !== undefined) wire.stars = event.stars;
    if (event.type === 'rating' && event.comment) wire.comment = String(event.comment).slice(0, 280);
    if (event.seconds !== undefined) wire.seconds = event.seconds;
    return wire;
  }

  function track(event) {
    const wire = wireEvent(event);
    learner.fold(wire); // throws on an invalid event: nothing is stored or queued
    const states = learner.states(); // exactly the events queued up to this one
    const done = (chain = chain.then(async () => {
      stats.tracked += 1;
      await sync.enqueue([wire], { ...states, stats }); // the count never misses a queued event
      onQueued();
    }));
    // track() is fire-and-forget for UIs; the returned promise resolves once the event is stored locally.
    return done.then(() => ({ eventId: wire.eventId }));
  }

  return { track, settled: () => chain };
}
