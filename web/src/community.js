// Community evidence: the server's snapshot (GET /v1/bandit), handed whole to the core, which maps project ids to
// shard rows, checks the numbers and recomputes its prior.
export async function openCommunity({ core, session, storage }) {
  let snapshot = null;
  const apply = (s) => {
    if (!s?.counts) return;
    core.setCommunity(session, s);
    snapshot = s;
  };
  apply((await storage.get('community'))?.snapshot);
  return { apply, version: () => snapshot?.version ?? null };
}
