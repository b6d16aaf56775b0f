#include "nightly_merge.h"

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>

#include "episodes.h"
#include "storage.h"
#include "wayfinder/bandit/reward.h"
#include "wayfinder/events/event.h"

namespace wayfinder::server {
namespace {

struct ProjectDay {
  bandit::BetaCounts added;
  std::int64_t episodes = 0;
  double reward_sum = 0;
};

std::string build_snapshot_body(Database& db, std::int64_t version, std::int64_t created_ms, double half_life) {
  nlohmann::json counts = nlohmann::json::object();
  auto st = db.prepare("SELECT project_id, alpha, beta, impressions FROM bandit_parameters ORDER BY project_id");
  while (st.step()) {
    counts[st.text(0)] = {{"alpha", st.real(1)}, {"beta", st.real(2)}, {"impressions", st.int64(3)}};
  }
  nlohmann::json j = {{"version", version},
                      {"createdAt", events::format_iso8601_utc(created_ms)},
                      {"halfLifeDays", half_life},
                      {"prior", {{"alpha", 1.0}, {"beta", 1.0}}},
                      {"counts", std::move(counts)}};
  return j.dump();
}

}  // namespace

void to_json(nlohmann::json& j, const MergeResult& r) {
  j = {{"day", r.day},         {"alreadyMerged", r.already_merged}, {"snapshotVersion", r.snapshot_version},
       {"events", r.events},   {"episodes", r.episodes},           {"clients", r.clients},
       {"clicks", r.clicks},   {"ctr", r.ctr},                     {"avgReward", r.avg_reward},
       {"decayFactor", r.decay_factor}, {"seconds", r.seconds}};
}

Snapshot latest_snapshot(Database& db) {
  auto st = db.prepare("SELECT version, body FROM bandit_snapshots ORDER BY version DESC LIMIT 1");
  if (!st.step()) {
    return {0, R"({"version":0,"createdAt":null,"halfLifeDays":null,"prior":{"alpha":1.0,"beta":1.0},"counts":{}})"};
  }
  return {st.int64(0), st.text(1)};
}

MergeResult run_merge(Database& db, const MergeConfig& config, const std::string& day, std::int64_t now_ms,
                      const std::function<void()>& before_commit) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::int64_t start = day_start_ms(day);
  const std::int64_t end = start + 86400000LL;
  MergeResult r;
  r.day = day;

  // The day's episodes are read before taking the write lock (one statement = one consistent WAL snapshot), so
  // ingest is blocked only for the short write phase; the already-merged check is repeated under the lock.
  auto merged_version = [&]() -> std::optional<std::int64_t> {
    auto st = db.prepare("SELECT snapshot_version FROM rl_training_history WHERE day = ?");
    st.bind(1, day);
    if (st.step()) return st.int64(0);
    return std::nullopt;
  };
  if (const auto v = merged_version()) {
    r.already_merged = true;
    r.snapshot_version = *v;
    return r;
  }
  {
    auto st = db.prepare("SELECT count(*) FROM user_interactions WHERE at_ms >= ? AND at_ms < ?");
    st.bind(1, start).bind(2, end);
    st.step();
    r.events = st.int64(0);
  }

  const bandit::RewardTable table;
  const bandit::ExaminationModel examination;
  const bandit::RewardMapping mapping;
  std::map<std::string, ProjectDay> projects;
  std::set<std::string> clients;
  // Rows arrive ordered by (client, project): the per-client daily cap needs only the current pair's running sum.
  std::string cur_client, cur_project;
  bandit::BetaUpdate today{};
  const auto join_end = end + static_cast<std::int64_t>(config.episode_join_days * 86400000.0);
  for_each_episode(db, start, end, join_end, [&](const StoredEpisode& e) {
    if (e.client_id != cur_client || e.project_id != cur_project) {
      cur_client = e.client_id;
      cur_project = e.project_id;
      today = {};
    }
    clients.insert(e.client_id);
    const double reward = bandit::episode_reward(e.episode, table);
    const auto update = bandit::reward_to_update(e.episode, table, examination, mapping);
    const auto capped = bandit::cap_daily(today, update, config.daily_cap_per_client);
    today.success += capped.success;
    today.failure += capped.failure;
    auto& p = projects[e.project_id];
    p.added.add(capped);
    ++p.episodes;
    p.reward_sum += reward;
    ++r.episodes;
    r.clicks += e.episode.clicked ? 1 : 0;
    r.avg_reward += reward;
  });
  r.clients = static_cast<std::int64_t>(clients.size());
  r.ctr = r.episodes ? static_cast<double>(r.clicks) / static_cast<double>(r.episodes) : 0.0;
  r.avg_reward = r.episodes ? r.avg_reward / static_cast<double>(r.episodes) : 0.0;

  Transaction tx(db);
  if (const auto v = merged_version()) {
    r = MergeResult{};
    r.day = day;
    r.already_merged = true;
    r.snapshot_version = *v;
    return r;
  }
  // Decay: evidence halves every half_life days. Days are merged in any order; the older side is discounted.
  double scale_new = 1.0;
  {
    auto st = db.prepare("SELECT max(day) FROM rl_training_history");
    if (st.step() && !st.is_null(0)) {
      const double gap_days = static_cast<double>(start - day_start_ms(st.text(0))) / 86400000.0;
      const double f = std::pow(0.5, std::fabs(gap_days) / config.half_life_days);
      if (gap_days > 0) {
        r.decay_factor = f;
        db.prepare("UPDATE bandit_parameters SET alpha = alpha * ?1, beta = beta * ?1").bind(1, f).run();
      } else {
        scale_new = f;
      }
    }
  }
  auto upsert = db.prepare(
      "INSERT INTO bandit_parameters(project_id, alpha, beta, impressions, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT(project_id) DO UPDATE SET alpha = alpha + ?2, beta = beta + ?3, "
      "impressions = impressions + ?4, updated_ms = ?5");
  auto history = db.prepare(
      "INSERT INTO reward_history(day, project_id, episodes, reward_sum, success, failure) VALUES (?,?,?,?,?,?)");
  for (const auto& [id, p] : projects) {
    upsert.bind(1, id)
        .bind(2, p.added.alpha * scale_new)
        .bind(3, p.added.beta * scale_new)
        .bind(4, p.episodes)
        .bind(5, now_ms)
        .run();
    history.bind(1, day).bind(2, id).bind(3, p.episodes).bind(4, p.reward_sum).bind(5, p.added.alpha).bind(6, p.added.beta).run();
  }

  r.snapshot_version = db.query_int("SELECT coalesce(max(version), 0) + 1 FROM bandit_snapshots").value_or(1);
  db.prepare("INSERT INTO bandit_snapshots(version, created_ms, half_life_days, body) VALUES (?,?,?,?)")
      .bind(1, r.snapshot_version)
      .bind(2, now_ms)
      .bind(3, config.half_life_days)
      .bind(4, build_snapshot_body(db, r.snapshot_version, now_ms, config.half_life_days))
      .run();

  std::optional<double> ctr_change, reward_change;
  {
    auto st = db.prepare("SELECT ctr, avg_reward FROM rl_training_history ORDER BY day DESC LIMIT 1");
    if (st.step()) {
      ctr_change = r.ctr - st.real(0);
      reward_change = r.avg_reward - st.real(1);
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  db.prepare(
        "INSERT INTO rl_training_history(day, started_ms, finished_ms, events, episodes, clients, clicks, ctr, "
        "avg_reward, ctr_change, avg_reward_change, snapshot_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
      .bind(1, day)
      .bind(2, now_ms)
      .bind(3, now_ms + static_cast<std::int64_t>(r.seconds * 1000))
      .bind(4, r.events)
      .bind(5, r.episodes)
      .bind(6, r.clients)
      .bind(7, r.clicks)
      .bind(8, r.ctr)
      .bind(9, r.avg_reward)
      .bind(10, ctr_change)
      .bind(11, reward_change)
      .bind(12, r.snapshot_version)
      .run();
  if (before_commit) before_commit();
  tx.commit();
  return r;
}

}  // namespace wayfinder::server
