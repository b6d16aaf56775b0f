// Live experiments: the list the server published (GET /v1/experiments, cached in storage for offline starts) goes
// to the core, which assigns this learner's arm in every running experiment and applies the arms' settings (bandit
// on/off, ε, blend) to each new ranking (core experiment/policy.h). A list the core refuses keeps the previous one.
export async function openExperiments({ core, session, storage, userId, warn = (m) => console.warn(m) }) {
  function update(list) {
    if (!Array.isArray(list)) return;
    try {
      core.setExperiments(session, list, userId);
    } catch (e) {
      warn(`wayfinder: the experiment list was refused (${e.message}); the previous one stays`);
    }
  }
  update((await storage.get('experiments'))?.list);
  return {
    update,
    current: () => core.policy(session), // {arm, experimentId, policy} a new ranking gets now
  };
}
