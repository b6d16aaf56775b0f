#include "storage.h"

#include <chrono>
#include <vector>

namespace wayfinder::server {
namespace {

// Each entry moves the schema one version up, in both dialects (the same version number means the same tables,
// columns and meaning). Never edit a shipped entry: append a new one. PostgreSQL differences: BIGINT / DOUBLE
// PRECISION / identity columns, and every per-client table keyed by client_id first (user_interactions by
// (client_id, id)) so the tables could be distributed by client_id (docs/SERVER.md, "Citus").
const std::vector<const char*> kSqliteMigrations = {
    // 1: the seed's tables, with pseudonymous client ids only (no profile data, no addresses).
    R"SQL(
CREATE TABLE feedback_batches(
  client_id TEXT NOT NULL, batch_id TEXT NOT NULL, received_ms INTEGER NOT NULL,
  accepted INTEGER NOT NULL, duplicates INTEGER NOT NULL, response TEXT NOT NULL,
  PRIMARY KEY(client_id, batch_id)) WITHOUT ROWID;
CREATE TABLE user_interactions(
  id INTEGER PRIMARY KEY, client_id TEXT NOT NULL, event_id TEXT NOT NULL, batch_id TEXT NOT NULL,
  session_id TEXT, type TEXT NOT NULL, project_id TEXT NOT NULL, ranking_id TEXT, position INTEGER,
  arm TEXT, propensity REAL, stars INTEGER, comment TEXT, seconds REAL, at_ms INTEGER NOT NULL,
  received_ms INTEGER NOT NULL, model_version TEXT, shard_version TEXT,
  UNIQUE(client_id, event_id));
CREATE INDEX user_interactions_at ON user_interactions(at_ms);
CREATE INDEX user_interactions_ranking ON user_interactions(client_id, ranking_id, project_id);
CREATE TABLE user_sessions(
  client_id TEXT NOT NULL, session_id TEXT NOT NULL, first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL, events INTEGER NOT NULL, PRIMARY KEY(client_id, session_id)) WITHOUT ROWID;
CREATE VIEW recommendation_results AS
  SELECT id AS interaction_id, client_id, ranking_id, project_id, position AS rank, propensity, arm,
         model_version, shard_version, at_ms
  FROM user_interactions WHERE type = 'impression';
CREATE VIEW user_feedback AS
  SELECT id AS interaction_id, client_id, project_id, ranking_id, stars, comment, at_ms
  FROM user_interactions WHERE type = 'rating';
CREATE TABLE bandit_parameters(
  project_id TEXT PRIMARY KEY, alpha REAL NOT NULL, beta REAL NOT NULL, impressions INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL);
CREATE TABLE reward_history(
  day TEXT NOT NULL, project_id TEXT NOT NULL, episodes INTEGER NOT NULL, reward_sum REAL NOT NULL,
  success REAL NOT NULL, failure REAL NOT NULL, PRIMARY KEY(day, project_id)) WITHOUT ROWID;
CREATE TABLE rl_training_history(
  id INTEGER PRIMARY KEY, day TEXT NOT NULL UNIQUE, started_ms INTEGER NOT NULL, finished_ms INTEGER NOT NULL,
  events INTEGER NOT NULL, episodes INTEGER NOT NULL, clients INTEGER NOT NULL, clicks INTEGER NOT NULL,
  ctr REAL NOT NULL, avg_reward REAL NOT NULL, ctr_change REAL, avg_reward_change REAL,
  snapshot_version INTEGER NOT NULL);
CREATE TABLE rl_ab_test(
  experiment_id TEXT PRIMARY KEY, name TEXT NOT NULL, arms TEXT NOT NULL, status TEXT NOT NULL,
  config TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE user_ab_assignment(
  client_id TEXT NOT NULL, experiment_id TEXT NOT NULL, arm TEXT NOT NULL, first_seen_ms INTEGER NOT NULL,
  PRIMARY KEY(client_id, experiment_id)) WITHOUT ROWID;
)SQL",
    // 2: what the merge, monitoring and evaluation jobs publish.
    R"SQL(
CREATE TABLE bandit_snapshots(
  version INTEGER PRIMARY KEY, created_ms INTEGER NOT NULL, half_life_days REAL NOT NULL, body TEXT NOT NULL);
CREATE TABLE alerts(
  id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL,
  message TEXT NOT NULL, value REAL, baseline REAL);
CREATE TABLE experiment_evaluations(
  id INTEGER PRIMARY KEY, experiment_id TEXT NOT NULL, at_ms INTEGER NOT NULL, result TEXT NOT NULL);
INSERT INTO rl_ab_test(experiment_id, name, arms, status, config, created_ms) VALUES
  ('ranking-rl-vs-similarity', 'Thompson re-rank vs similarity only', '["rl","similarity"]', 'running',
   '{"split":{"rl":0.5,"similarity":0.5},"epsilon":0.15,"blend":{"similarity":0.6,"bandit":0.4},"minSamples":1000}', 0);
)SQL",
    // 3: the other arm's slot probability (altPropensity) for off-policy evaluation; NULL on older rows.
    R"SQL(
ALTER TABLE user_interactions ADD COLUMN alt_propensity REAL;
DROP VIEW recommendation_results;
CREATE VIEW recommendation_results AS
  SELECT id AS interaction_id, client_id, ranking_id, project_id, position AS rank, propensity, alt_propensity, arm,
         model_version, shard_version, at_ms
  FROM user_interactions WHERE type = 'impression';
)SQL",
    // 4: merge watermarks for exactly-once late corrections. Each merged day remembers the largest
    // user_interactions.id its counts include; a day merged before this migration is taken to include everything
    // stored now (what arrived between its merge and the upgrade stays uncounted; later rows are corrected).
    // The ranking index becomes (client, project, ranking, at): the follow-up join still finds its rows by
    // (client, ranking, project) (now with the time range), and a correction finds one client × project's rows
    // without scanning a day — one index as before, so ingest pays nothing extra.
    // Idempotent (IF [NOT] EXISTS / OR IGNORE) so a re-run over an already migrated file changes nothing.
    R"SQL(
CREATE TABLE IF NOT EXISTS rl_merge_watermarks(
  day TEXT PRIMARY KEY, max_interaction_id INTEGER NOT NULL, late_episodes INTEGER NOT NULL DEFAULT 0,
  late_events INTEGER NOT NULL DEFAULT 0, corrected_ms INTEGER) WITHOUT ROWID;
INSERT OR IGNORE INTO rl_merge_watermarks(day, max_interaction_id)
  SELECT day, (SELECT coalesce(max(id), 0) FROM user_interactions) FROM rl_training_history;
DROP INDEX IF EXISTS user_interactions_ranking;
CREATE INDEX IF NOT EXISTS user_interactions_pair ON user_interactions(client_id, project_id, ranking_id, at_ms);
)SQL",
    // 5: which scheduled job ran for which period (hour / day), so N servers run each exactly once.
    R"SQL(
CREATE TABLE IF NOT EXISTS job_runs(
  job TEXT NOT NULL, period TEXT NOT NULL, started_ms INTEGER NOT NULL, PRIMARY KEY(job, period)) WITHOUT ROWID;
)SQL",
    // 6: client credentials (docs/SERVER.md, "Client credentials"). `credentialed`: the row's batch carried a valid
    // credential (or credentials were not required); only such rows reach the community counts. Rows stored before
    // this migration were counted under the old rule and stay so (1). `prefix_hash`: the keyed hash of the sender's
    // address prefix (never the address), for the per-prefix cap; deleted with the row by retention.
    // client_credentials: ids the server issued a credential for (a second issue needs the current credential);
    // credential_issuance: recent issues per prefix (the daily issuance limit; pruned after a day);
    // uncounted_clients: clients with uncredentialed rows, promoted when they next present a valid credential;
    // merge_prefix_days: per merged day, project and prefix the summed credit before the per-prefix cap (so a late
    // correction applies cap(sum + delta) − cap(sum) exactly); deleted with the day's rows by retention.
    R"SQL(
ALTER TABLE user_interactions ADD COLUMN credentialed INTEGER NOT NULL DEFAULT 1;
ALTER TABLE user_interactions ADD COLUMN prefix_hash TEXT;
CREATE TABLE client_credentials(
  client_id TEXT PRIMARY KEY, issued_ms INTEGER NOT NULL, renewed_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE credential_issuance(prefix_hash TEXT NOT NULL, issued_ms INTEGER NOT NULL);
CREATE INDEX credential_issuance_prefix ON credential_issuance(prefix_hash, issued_ms);
CREATE TABLE uncounted_clients(client_id TEXT PRIMARY KEY, since_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE merge_prefix_days(
  day TEXT NOT NULL, project_id TEXT NOT NULL, prefix_hash TEXT NOT NULL, alpha REAL NOT NULL, beta REAL NOT NULL,
  PRIMARY KEY(day, project_id, prefix_hash)) WITHOUT ROWID;
)SQL",
};

const std::vector<const char*> kPostgresMigrations = {
    // 1
    R"SQL(
CREATE TABLE feedback_batches(
  client_id TEXT NOT NULL, batch_id TEXT NOT NULL, received_ms BIGINT NOT NULL,
  accepted BIGINT NOT NULL, duplicates BIGINT NOT NULL, response TEXT NOT NULL,
  PRIMARY KEY(client_id, batch_id));
CREATE TABLE user_interactions(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY, client_id TEXT NOT NULL, event_id TEXT NOT NULL,
  batch_id TEXT NOT NULL, session_id TEXT, type TEXT NOT NULL, project_id TEXT NOT NULL, ranking_id TEXT,
  position BIGINT, arm TEXT, propensity DOUBLE PRECISION, stars BIGINT, comment TEXT, seconds DOUBLE PRECISION,
  at_ms BIGINT NOT NULL, received_ms BIGINT NOT NULL, model_version TEXT, shard_version TEXT,
  PRIMARY KEY(client_id, id), UNIQUE(client_id, event_id));
CREATE INDEX user_interactions_id ON user_interactions(id);
CREATE INDEX user_interactions_at ON user_interactions(at_ms);
CREATE INDEX user_interactions_ranking ON user_interactions(client_id, ranking_id, project_id);
CREATE TABLE user_sessions(
  client_id TEXT NOT NULL, session_id TEXT NOT NULL, first_seen_ms BIGINT NOT NULL,
  last_seen_ms BIGINT NOT NULL, events BIGINT NOT NULL, PRIMARY KEY(client_id, session_id));
CREATE VIEW recommendation_results AS
  SELECT id AS interaction_id, client_id, ranking_id, project_id, position AS rank, propensity, arm,
         model_version, shard_version, at_ms
  FROM user_interactions WHERE type = 'impression';
CREATE VIEW user_feedback AS
  SELECT id AS interaction_id, client_id, project_id, ranking_id, stars, comment, at_ms
  FROM user_interactions WHERE type = 'rating';
CREATE TABLE bandit_parameters(
  project_id TEXT PRIMARY KEY, alpha DOUBLE PRECISION NOT NULL, beta DOUBLE PRECISION NOT NULL,
  impressions BIGINT NOT NULL, updated_ms BIGINT NOT NULL);
CREATE TABLE reward_history(
  day TEXT NOT NULL, project_id TEXT NOT NULL, episodes BIGINT NOT NULL, reward_sum DOUBLE PRECISION NOT NULL,
  success DOUBLE PRECISION NOT NULL, failure DOUBLE PRECISION NOT NULL, PRIMARY KEY(day, project_id));
CREATE TABLE rl_training_history(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, day TEXT NOT NULL UNIQUE, started_ms BIGINT NOT NULL,
  finished_ms BIGINT NOT NULL, events BIGINT NOT NULL, episodes BIGINT NOT NULL, clients BIGINT NOT NULL,
  clicks BIGINT NOT NULL, ctr DOUBLE PRECISION NOT NULL, avg_reward DOUBLE PRECISION NOT NULL,
  ctr_change DOUBLE PRECISION, avg_reward_change DOUBLE PRECISION, snapshot_version BIGINT NOT NULL);
CREATE TABLE rl_ab_test(
  experiment_id TEXT PRIMARY KEY, name TEXT NOT NULL, arms TEXT NOT NULL, status TEXT NOT NULL,
  config TEXT NOT NULL, created_ms BIGINT NOT NULL);
CREATE TABLE user_ab_assignment(
  client_id TEXT NOT NULL, experiment_id TEXT NOT NULL, arm TEXT NOT NULL, first_seen_ms BIGINT NOT NULL,
  PRIMARY KEY(client_id, experiment_id));
)SQL",
    // 2
    R"SQL(
CREATE TABLE bandit_snapshots(
  version BIGINT PRIMARY KEY, created_ms BIGINT NOT NULL, half_life_days DOUBLE PRECISION NOT NULL, body TEXT NOT NULL);
CREATE TABLE alerts(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, at_ms BIGINT NOT NULL, kind TEXT NOT NULL,
  severity TEXT NOT NULL, message TEXT NOT NULL, value DOUBLE PRECISION, baseline DOUBLE PRECISION);
CREATE TABLE experiment_evaluations(
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, experiment_id TEXT NOT NULL, at_ms BIGINT NOT NULL,
  result TEXT NOT NULL);
INSERT INTO rl_ab_test(experiment_id, name, arms, status, config, created_ms) VALUES
  ('ranking-rl-vs-similarity', 'Thompson re-rank vs similarity only', '["rl","similarity"]', 'running',
   '{"split":{"rl":0.5,"similarity":0.5},"epsilon":0.15,"blend":{"similarity":0.6,"bandit":0.4},"minSamples":1000}', 0);
)SQL",
    // 3
    R"SQL(
ALTER TABLE user_interactions ADD COLUMN alt_propensity DOUBLE PRECISION;
DROP VIEW recommendation_results;
CREATE VIEW recommendation_results AS
  SELECT id AS interaction_id, client_id, ranking_id, project_id, position AS rank, propensity, alt_propensity, arm,
         model_version, shard_version, at_ms
  FROM user_interactions WHERE type = 'impression';
)SQL",
    // 4
    R"SQL(
CREATE TABLE IF NOT EXISTS rl_merge_watermarks(
  day TEXT PRIMARY KEY, max_interaction_id BIGINT NOT NULL, late_episodes BIGINT NOT NULL DEFAULT 0,
  late_events BIGINT NOT NULL DEFAULT 0, corrected_ms BIGINT);
INSERT INTO rl_merge_watermarks(day, max_interaction_id)
  SELECT day, (SELECT coalesce(max(id), 0) FROM user_interactions) FROM rl_training_history ON CONFLICT DO NOTHING;
DROP INDEX IF EXISTS user_interactions_ranking;
CREATE INDEX IF NOT EXISTS user_interactions_pair ON user_interactions(client_id, project_id, ranking_id, at_ms);
)SQL",
    // 5
    R"SQL(
CREATE TABLE IF NOT EXISTS job_runs(
  job TEXT NOT NULL, period TEXT NOT NULL, started_ms BIGINT NOT NULL, PRIMARY KEY(job, period));
)SQL",
    // 6
    R"SQL(
ALTER TABLE user_interactions ADD COLUMN credentialed BIGINT NOT NULL DEFAULT 1;
ALTER TABLE user_interactions ADD COLUMN prefix_hash TEXT;
CREATE TABLE client_credentials(
  client_id TEXT PRIMARY KEY, issued_ms BIGINT NOT NULL, renewed_ms BIGINT NOT NULL);
CREATE TABLE credential_issuance(prefix_hash TEXT NOT NULL, issued_ms BIGINT NOT NULL);
CREATE INDEX credential_issuance_prefix ON credential_issuance(prefix_hash, issued_ms);
CREATE TABLE uncounted_clients(client_id TEXT PRIMARY KEY, since_ms BIGINT NOT NULL);
CREATE TABLE merge_prefix_days(
  day TEXT NOT NULL, project_id TEXT NOT NULL, prefix_hash TEXT NOT NULL, alpha DOUBLE PRECISION NOT NULL,
  beta DOUBLE PRECISION NOT NULL, PRIMARY KEY(day, project_id, prefix_hash));
)SQL",
};

}  // namespace

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int schema_version(Database& db) {
  return static_cast<int>(db.query_int("SELECT version FROM schema_version").value_or(0));
}

constexpr std::int64_t kIngestLockKey = 0x5766696e67657374;  // "Wfingest"

void begin_ingest(Database& db) {
  if (db.postgres()) db.prepare("SELECT pg_advisory_xact_lock_shared(?)").bind(1, kIngestLockKey).run();
}

std::int64_t committed_watermark(Database& db) {
  if (!db.postgres()) return db.query_int("SELECT coalesce(max(id), 0) FROM user_interactions").value_or(0);
  Transaction tx(db);
  db.prepare("SELECT pg_advisory_xact_lock(?)").bind(1, kIngestLockKey).run();
  const auto w = db.query_int("SELECT coalesce(max(id), 0) FROM user_interactions").value_or(0);
  tx.commit();
  return w;
}

namespace {

void migrate(Database& db, const std::vector<const char*>& migrations) {
  {
    Transaction t(db);
    db.exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
    if (!db.query_int("SELECT count(*) FROM schema_version").value_or(0)) {
      db.exec("INSERT INTO schema_version(version) VALUES (0)");
    }
    t.commit();
  }
  int v = schema_version(db);
  if (v > static_cast<int>(migrations.size())) {
    throw std::runtime_error("database schema version " + std::to_string(v) + " is newer than this server (" +
                             std::to_string(migrations.size()) + "): upgrade this server");
  }
  for (; v < static_cast<int>(migrations.size()); ++v) {
    Transaction t(db);
    // Re-check inside the write lock: another process may have migrated meanwhile.
    if (const int current = schema_version(db); current != v) {
      v = current - 1;
      continue;
    }
    try {
      db.exec(migrations[static_cast<std::size_t>(v)]);
      db.prepare("UPDATE schema_version SET version = ?").bind(1, v + 1).run();
      t.commit();
    } catch (const DbError& ex) {
      throw DbError("migrating the database from schema version " + std::to_string(v) + " to " +
                        std::to_string(v + 1) + " failed (nothing of that step was applied): " + ex.what(),
                    ex.unavailable());
    }
  }
}

}  // namespace

Database open_storage(const std::string& path, bool synchronous_full) {
  Database db(path);
  if (db.postgres()) {
    db.exec(synchronous_full ? "SET synchronous_commit = on" : "SET synchronous_commit = off");
    JobLock lock(db, "migrate");  // servers starting together: one migrates, the others then find it done
    migrate(db, kPostgresMigrations);
    return db;
  }
  // Freed pages (retention's deletes) go back to the file system with PRAGMA incremental_vacuum. Takes effect on
  // a new file only (before its first table); an older file keeps its mode until a one-off VACUUM.
  db.exec("PRAGMA auto_vacuum=INCREMENTAL");
  db.exec("PRAGMA journal_mode=WAL");
  db.exec(synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  db.exec("PRAGMA foreign_keys=ON");
  migrate(db, kSqliteMigrations);
  return db;
}

}  // namespace wayfinder::server
