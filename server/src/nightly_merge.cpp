#include "nightly_merge.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>
#include <vector>

#include "episodes.h"
#include "storage.h"
#include "wayfinder/time_utc.h"
#include "wayfinder/bandit/episode_fold.h"
#include "wayfinder/bandit/reward.h"
#include "wayfinder/events/event.h"

namespace wayfinder::server {
namespace {

constexpr std::int64_t kDayMs = 86400000LL;
constexpr std::string_view kLatePairs = "merge_late_pairs";  // a temporary table (per connection)

// What one client added to one project on one day: the capped sum of its episodes' updates.
struct GroupUpdate {
  bandit::BetaCounts added;
  std::int64_t episodes = 0;
  std::int64_t clicks = 0;
  double reward_sum = 0;
  std::string prefix;  // the keyed address-prefix hash its rows came from; "" = none (only the per-client cap)
};

// Per project and day: the sum of its client groups (a correction's entry is a difference and may be negative).
struct ProjectDay {
  bandit::BetaCounts added;
  std::int64_t episodes = 0;
  double reward_sum = 0;

  void add(const GroupUpdate& g) {
    added.alpha += g.added.alpha;
    added.beta += g.added.beta;
    episodes += g.episodes;
    reward_sum += g.reward_sum;
  }
};

// (project, prefix hash) → the summed (per-client capped) credit of a day, before the per-prefix cap; in a
// correction, the change of that sum.
using PrefixSums = std::map<std::pair<std::string, std::string>, bandit::BetaCounts>;

// A group's evidence × sign: without a prefix straight to its project, with one into the prefix's sum (capped when
// the sums are applied: apply_prefix_sums).
void add_evidence(std::map<std::string, ProjectDay>& projects, PrefixSums& sums, const std::string& project,
                  const GroupUpdate& g, double sign) {
  auto& to = g.prefix.empty() ? projects[project].added : sums[{project, g.prefix}];
  to.alpha += sign * g.added.alpha;
  to.beta += sign * g.added.beta;
}

// A group's credit into the day: its evidence (add_evidence) and its statistics.
void add_group(std::map<std::string, ProjectDay>& projects, PrefixSums& sums, const std::string& project,
               const GroupUpdate& g) {
  add_evidence(projects, sums, project, g, 1.0);
  projects[project].episodes += g.episodes;
  projects[project].reward_sum += g.reward_sum;
}

// Adds each (project, prefix)'s change to the day's stored sums, and what the change makes of each touched project's
// community evidence of the day (the core's community_day_credit(after) − community_day_credit(before), under the
// per-prefix cap and the optional robust aggregation) to the projects' evidence.
void apply_prefix_sums(Database& db, const std::string& day, const PrefixSums& change, const bandit::PrefixRule& rule,
                       std::map<std::string, ProjectDay>& projects) {
  std::map<std::string, std::vector<std::pair<std::string, bandit::BetaCounts>>> touched;  // project → changes
  for (const auto& [key, d] : change) touched[key.first].emplace_back(key.second, d);
  auto get = db.prepare("SELECT prefix_hash, alpha, beta FROM merge_prefix_days WHERE day = ? AND project_id = ?");
  auto put = db.prepare(
      "INSERT INTO merge_prefix_days(day, project_id, prefix_hash, alpha, beta) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT(day, project_id, prefix_hash) DO UPDATE SET alpha = ?4, beta = ?5");
  const auto credit = [&](const std::map<std::string, bandit::BetaCounts>& sums) {
    std::vector<bandit::BetaCounts> v;
    for (const auto& [prefix, c] : sums) v.push_back(c);
    return bandit::community_day_credit(v, rule);
  };
  for (const auto& [project, changes] : touched) {
    std::map<std::string, bandit::BetaCounts> sums;
    get.bind(1, day).bind(2, project);
    while (get.step()) sums[get.text(0)] = {get.real(1), get.real(2)};
    get.reset();
    const auto before = credit(sums);
    for (const auto& [prefix, d] : changes) {
      auto& s = sums[prefix];
      s = {std::max(0.0, s.alpha + d.alpha), std::max(0.0, s.beta + d.beta)};
      put.bind(1, day).bind(2, project).bind(3, prefix).bind(4, s.alpha).bind(5, s.beta).run();
    }
    const auto after = credit(sums);
    projects[project].added.alpha += after.alpha - before.alpha;
    projects[project].added.beta += after.beta - before.beta;
  }
}

bandit::PrefixRule prefix_rule(const MergeConfig& config) {
  return {config.daily_cap_per_prefix, config.robust_winsor};
}

using PairRowsSource = std::function<void(const PairRowsVisitor&)>;
using GroupVisitor = std::function<void(const std::string& client, const std::string& project, const GroupUpdate&)>;

std::int64_t join_ms(const MergeConfig& config);

// The per-group credit, used by a day's merge and by both sides (old and new rows) of a late correction: each
// (client, project)'s raw rows → the core's fold and credit (episodes opened on the day, reward, examination-weighted
// update, daily cap per client × project × day) — the same calls the client makes for its own counts.
void fold_groups(const PairRowsSource& rows, std::int64_t day_start, const MergeConfig& config,
                 const GroupVisitor& on_group) {
  const bandit::FoldConfig fold{join_ms(config)};
  bandit::CreditConfig credit;
  credit.daily_cap = config.daily_cap_per_client;
  rows([&](const std::string& client, const std::string& project, std::vector<events::Event>& r,
           const std::string& prefix) {
    for (const auto& c : bandit::credit_days(episodes_opened_in(r, day_start, day_start + kDayMs, fold), credit)) {
      on_group(client, project, GroupUpdate{c.added, c.episodes, c.clicks, c.reward_sum, prefix});
    }
  });
}

std::int64_t join_ms(const MergeConfig& config) {
  return static_cast<std::int64_t>(config.episode_join_days * static_cast<double>(kDayMs));
}

// A merged day whose watermark is below the current one: rows above it may change its episodes.
struct WatermarkedDay {
  std::string day;
  std::int64_t start_ms = 0;
  std::int64_t watermark = 0;
  bool operator==(const WatermarkedDay&) const = default;
};

std::vector<WatermarkedDay> days_below(Database& db, std::int64_t watermark_now) {
  std::vector<WatermarkedDay> out;
  auto st = db.prepare(
      "SELECT day, max_interaction_id FROM rl_merge_watermarks WHERE max_interaction_id < ? ORDER BY day");
  st.bind(1, watermark_now);
  while (st.step()) out.push_back({st.text(0), day_start_ms(st.text(0)), st.int64(1)});
  return out;
}

struct DayCorrection {
  std::string day;
  std::int64_t start_ms = 0;
  std::map<std::string, ProjectDay> projects;  // (rows now) − (rows counted), per project
  PrefixSums prefix_change;                    // the same for evidence under a prefix, before the prefix cap
  std::int64_t pairs = 0, episodes = 0, clicks = 0, new_clients = 0, events = 0;
  double reward_sum = 0;
};

struct CorrectionPlan {
  std::vector<WatermarkedDay> days;  // every merged day below the watermark, as read (re-checked under the lock)
  std::vector<DayCorrection> corrections;
};

using PairSet = std::set<std::pair<std::string, std::string>>;  // (client, project)
using Groups = std::map<std::pair<std::string, std::string>, GroupUpdate>;

// What arrived since the last run, per merged day: the (client, project) pairs whose episodes may have changed, and
// how many late rows landed in the day.
struct LateRows {
  std::vector<PairSet> pairs;
  std::vector<std::int64_t> events;
};

// Maps a timestamp to the index of its merged day in `days`, if any.
class DayIndex {
 public:
  DayIndex(const std::vector<WatermarkedDay>& days, std::int64_t watermark_now) : lo_(watermark_now) {
    for (std::size_t k = 0; k < days.size(); ++k) {
      by_number_[days[k].start_ms / kDayMs] = k;
      lo_ = std::min(lo_, days[k].watermark);
      first_ = std::min(first_, days[k].start_ms);
      last_ = std::max(last_, days[k].start_ms + kDayMs);
    }
  }
  std::optional<std::size_t> of(std::int64_t at_ms) const {
    if (at_ms < 0) return std::nullopt;
    const auto it = by_number_.find(at_ms / kDayMs);
    return it == by_number_.end() ? std::nullopt : std::optional<std::size_t>(it->second);
  }
  std::int64_t lowest_watermark() const { return lo_; }
  std::int64_t first_ms() const { return first_; }
  std::int64_t last_ms() const { return last_; }

 private:
  std::map<std::int64_t, std::size_t> by_number_;
  std::int64_t lo_;
  std::int64_t first_ = std::numeric_limits<std::int64_t>::max(), last_ = std::numeric_limits<std::int64_t>::min();
};

// New rows timestamped in a merged day are late events; late impressions make their pair affected.
// `+at_ms` keeps SQLite on the rowid range (the at_ms range may span most of the table).
void read_late_rows(Database& db, const std::vector<WatermarkedDay>& days, const DayIndex& index,
                    std::int64_t watermark_now, LateRows& late) {
  auto st = db.prepare(
      "SELECT id, CASE WHEN type = 'impression' THEN 1 ELSE 0 END, client_id, project_id, at_ms FROM user_interactions "
      "WHERE id > ?1 AND id <= ?2 AND +at_ms >= ?3 AND +at_ms < ?4");
  st.bind(1, index.lowest_watermark()).bind(2, watermark_now).bind(3, index.first_ms()).bind(4, index.last_ms());
  while (st.step()) {
    const auto k = index.of(st.int64(4));
    if (!k || st.int64(0) <= days[*k].watermark) continue;
    ++late.events[*k];
    if (st.int64(1)) late.pairs[*k].emplace(st.text(2), st.text(3));
  }
}

// A late row can change every episode of its key (ranking, project): those episodes open on days that hold a row of
// the key, so each such merged day's (client, project) group is recomputed.
void read_late_keys(Database& db, const std::vector<WatermarkedDay>& days, const DayIndex& index,
                    std::int64_t watermark_now, LateRows& late) {
  auto st = db.prepare(R"SQL(
SELECT f.id, k.at_ms, k.client_id, k.project_id
FROM user_interactions f CROSS JOIN user_interactions k
WHERE f.id > ?1 AND f.id <= ?2 AND k.client_id = f.client_id AND k.project_id = f.project_id
  AND k.ranking_id IS NOT DISTINCT FROM f.ranking_id AND +k.id <= ?2 AND +k.at_ms >= ?3 AND +k.at_ms < ?4)SQL");
  st.bind(1, index.lowest_watermark()).bind(2, watermark_now).bind(3, index.first_ms()).bind(4, index.last_ms());
  while (st.step()) {
    const auto k = index.of(st.int64(1));
    if (!k || st.int64(0) <= days[*k].watermark) continue;
    late.pairs[*k].emplace(st.text(2), st.text(3));
  }
}

// The affected pairs go to a temporary table, so the episode reader looks them up by index.
void write_late_pairs(Database& db, const std::vector<WatermarkedDay>& days, const LateRows& late) {
  db.exec(std::string(
              "CREATE TEMP TABLE IF NOT EXISTS merge_late_pairs(day BIGINT NOT NULL, client_id TEXT NOT NULL, "
              "project_id TEXT NOT NULL, PRIMARY KEY(day, client_id, project_id))") +
          (db.postgres() ? "" : " WITHOUT ROWID"));
  db.exec("DELETE FROM merge_late_pairs");
  auto ins = db.prepare("INSERT INTO merge_late_pairs(day, client_id, project_id) VALUES (?,?,?)");
  for (std::size_t k = 0; k < days.size(); ++k) {
    for (const auto& [client, project] : late.pairs[k]) ins.bind(1, days[k].start_ms).bind(2, client).bind(3, project).run();
  }
}

// The day's affected groups folded from the rows up to `max_id` (the shared fold, as the day's own merge does).
Groups fold_late_groups(Database& db, const MergeConfig& config, const WatermarkedDay& d, std::int64_t max_id) {
  Groups groups;
  fold_groups(
      [&](const PairRowsVisitor& visit) {
        for_each_pair_rows_of(db, kLatePairs, d.start_ms, d.start_ms, d.start_ms + kDayMs, max_id, visit,
                              RowScope::credentialed);
      },
      d.start_ms, config,
      [&](const std::string& client, const std::string& project, const GroupUpdate& g) { groups[{client, project}] = g; });
  return groups;
}

// Adds (is − was) of one group to the correction; unchanged groups add nothing (not even rounding noise).
void add_group_difference(DayCorrection& c, const std::string& project, const GroupUpdate& was, const GroupUpdate& is) {
  if (was.episodes == is.episodes && was.clicks == is.clicks && was.added.alpha == is.added.alpha &&
      was.added.beta == is.added.beta && was.reward_sum == is.reward_sum && was.prefix == is.prefix) {
    return;
  }
  GroupUpdate diff;
  if (was.prefix.empty() && is.prefix.empty()) {
    diff.added = {is.added.alpha - was.added.alpha, is.added.beta - was.added.beta};
  } else {  // evidence under a prefix changes the prefix's sum; the cap is applied with the stored sum
    add_evidence(c.projects, c.prefix_change, project, is, 1.0);
    add_evidence(c.projects, c.prefix_change, project, was, -1.0);
  }
  diff.episodes = is.episodes - was.episodes;
  diff.clicks = is.clicks - was.clicks;
  diff.reward_sum = is.reward_sum - was.reward_sum;
  c.projects[project].add(diff);
  c.episodes += diff.episodes;
  c.clicks += diff.clicks;
  c.reward_sum += diff.reward_sum;
}

// A client is new to the day when none of its impressions of that day was counted before.
std::int64_t count_new_clients(Database& db, const WatermarkedDay& d, const Groups& counted, const Groups& now) {
  std::set<std::string> counted_clients, now_clients;
  for (const auto& [key, g] : counted) counted_clients.insert(key.first);
  for (const auto& [key, g] : now) now_clients.insert(key.first);
  auto seen = db.prepare(
      "SELECT 1 FROM user_interactions WHERE client_id = ? AND type = 'impression' AND at_ms >= ? AND at_ms < ? "
      "AND id <= ? LIMIT 1");
  std::int64_t n = 0;
  for (const auto& client : now_clients) {
    if (counted_clients.count(client)) continue;
    seen.bind(1, client).bind(2, d.start_ms).bind(3, d.start_ms + kDayMs).bind(4, d.watermark);
    const bool was_counted = seen.step();
    seen.reset();
    if (!was_counted) ++n;
  }
  return n;
}

// One merged day's correction: its affected groups folded as counted (rows <= the day's watermark) and as they are
// now (rows <= watermark_now), and the difference.
DayCorrection correct_day(Database& db, const MergeConfig& config, const WatermarkedDay& d, std::int64_t watermark_now,
                          const PairSet& pairs, std::int64_t events) {
  DayCorrection c;
  c.day = d.day;
  c.start_ms = d.start_ms;
  c.pairs = static_cast<std::int64_t>(pairs.size());
  c.events = events;
  const Groups counted = fold_late_groups(db, config, d, d.watermark);
  const Groups now = fold_late_groups(db, config, d, watermark_now);
  for (const auto& [key, g] : now) {
    const auto it = counted.find(key);
    add_group_difference(c, key.second, it == counted.end() ? GroupUpdate{} : it->second, g);
  }
  for (const auto& [key, g] : counted) {
    if (!now.count(key)) add_group_difference(c, key.second, g, GroupUpdate{});  // rows are only added; kept exact
  }
  c.new_clients = count_new_clients(db, d, counted, now);
  return c;
}

// Reads only rows above the lowest watermark (a rowid range, i.e. what arrived since the last run) to find the
// affected (day, client, project) groups, then recomputes just those groups twice with the shared fold.
CorrectionPlan plan_corrections(Database& db, const MergeConfig& config, std::int64_t watermark_now) {
  CorrectionPlan plan;
  plan.days = days_below(db, watermark_now);
  if (plan.days.empty()) return plan;
  const DayIndex index(plan.days, watermark_now);
  LateRows late{std::vector<PairSet>(plan.days.size()), std::vector<std::int64_t>(plan.days.size(), 0)};
  read_late_rows(db, plan.days, index, watermark_now, late);
  read_late_keys(db, plan.days, index, watermark_now, late);
  write_late_pairs(db, plan.days, late);
  for (std::size_t k = 0; k < plan.days.size(); ++k) {
    if (late.pairs[k].empty() && late.events[k] == 0) continue;
    plan.corrections.push_back(correct_day(db, config, plan.days[k], watermark_now, late.pairs[k], late.events[k]));
  }
  db.exec("DELETE FROM merge_late_pairs");
  return plan;
}

std::string build_snapshot_body(Database& db, std::int64_t version, std::int64_t created_ms, double half_life) {
  nlohmann::json counts = nlohmann::json::object();
  auto st = db.prepare("SELECT project_id, alpha, beta, impressions FROM bandit_parameters ORDER BY project_id");
  while (st.step()) {
    counts[st.text(0)] = {{"alpha", st.real(1)}, {"beta", st.real(2)}, {"impressions", st.int64(3)}};
  }
  nlohmann::json j = {{"version", version},
                      {"createdAt", wayfinder::format_iso8601_utc(created_ms)},
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
       {"decayFactor", r.decay_factor}, {"seconds", r.seconds},    {"maxInteractionId", r.max_interaction_id},
       {"lateDaysCorrected", r.late_days_corrected}, {"latePairs", r.late_pairs},
       {"lateEpisodes", r.late_episodes}, {"lateEvents", r.late_events}, {"lateAlpha", r.late_alpha},
       {"lateBeta", r.late_beta}};
}

Snapshot latest_snapshot(Database& db) {
  auto st = db.prepare("SELECT version, body FROM bandit_snapshots ORDER BY version DESC LIMIT 1");
  if (!st.step()) {
    return {0, R"({"version":0,"createdAt":null,"halfLifeDays":null,"prior":{"alpha":1.0,"beta":1.0},"counts":{}})"};
  }
  return {st.int64(0), st.text(1)};
}

namespace {

std::optional<std::int64_t> merged_version(Database& db, const std::string& day) {
  auto st = db.prepare("SELECT snapshot_version FROM rl_training_history WHERE day = ?");
  st.bind(1, day);
  if (st.step()) return st.int64(0);
  return std::nullopt;
}

MergeResult already_merged(const std::string& day, std::int64_t version) {
  MergeResult r;
  r.day = day;
  r.already_merged = true;
  r.snapshot_version = version;
  return r;
}

// The day's episodes (rows id <= watermark) folded per (client, project) group, summed per project (evidence sent
// from an address prefix summed per (project, prefix) into `sums` instead); the day's totals go into `r`.
std::map<std::string, ProjectDay> fold_day(Database& db, const MergeConfig& config, std::int64_t start,
                                           std::int64_t watermark, MergeResult& r, PrefixSums& sums) {
  const std::int64_t end = start + kDayMs;
  {
    auto st = db.prepare("SELECT count(*) FROM user_interactions WHERE at_ms >= ? AND at_ms < ? AND +id <= ?");
    st.bind(1, start).bind(2, end).bind(3, watermark);
    st.step();
    r.events = st.int64(0);
  }
  std::map<std::string, ProjectDay> projects;
  std::set<std::string> clients;
  double reward_sum = 0;
  const auto day_rows = [&](const PairRowsVisitor& visit) {
    for_each_pair_rows(db, start, end, watermark, visit, RowScope::credentialed);
  };
  fold_groups(day_rows, start, config,
      [&](const std::string& client, const std::string& project, const GroupUpdate& g) {
        clients.insert(client);
        add_group(projects, sums, project, g);
        r.episodes += g.episodes;
        r.clicks += g.clicks;
        reward_sum += g.reward_sum;
      });
  r.clients = static_cast<std::int64_t>(clients.size());
  r.ctr = r.episodes ? static_cast<double>(r.clicks) / static_cast<double>(r.episodes) : 0.0;
  r.avg_reward = r.episodes ? reward_sum / static_cast<double>(r.episodes) : 0.0;
  return projects;
}

// Decay: evidence halves every half_life days. Days are merged in any order; the older side is discounted. Returns
// the scale of this day's new evidence and the latest merged day after this run (every day is decayed to it).
struct Decay {
  double scale_new = 1.0;
  std::int64_t latest_start = 0;
};

Decay apply_decay(Database& db, const MergeConfig& config, std::int64_t start, MergeResult& r) {
  Decay d{1.0, start};
  auto st = db.prepare("SELECT max(day) FROM rl_training_history");
  if (!st.step() || st.is_null(0)) return d;
  const std::int64_t previous = day_start_ms(st.text(0));
  d.latest_start = std::max(start, previous);
  const std::int64_t gap_days = (start - previous) / kDayMs;
  const double f = bandit::decay_weight(0, gap_days > 0 ? gap_days : -gap_days, config.half_life_days);
  if (gap_days > 0) {
    r.decay_factor = f;
    db.prepare("UPDATE bandit_parameters SET alpha = alpha * ?1, beta = beta * ?1").bind(1, f).run();
  } else {
    d.scale_new = f;
  }
  return d;
}

// One project's evidence of one day (or its late difference), decayed by `scale`, into the counts and the history.
// Clamped at 0: a correction can take back evidence (e.g. a late 1★ turns a success into a failure).
class EvidenceWriter {
 public:
  EvidenceWriter(Database& db, std::int64_t now_ms)
      : now_ms_(now_ms),
        upsert_(db.prepare(
            "INSERT INTO bandit_parameters(project_id, alpha, beta, impressions, updated_ms) "
            "VALUES (?1, greatest(0.0, ?2), greatest(0.0, ?3), greatest(0, ?4), ?5) "
            "ON CONFLICT(project_id) DO UPDATE SET alpha = greatest(0.0, bandit_parameters.alpha + ?2), "
            "beta = greatest(0.0, bandit_parameters.beta + ?3), "
            "impressions = greatest(0, bandit_parameters.impressions + ?4), updated_ms = ?5")),
        history_(db.prepare(
            "INSERT INTO reward_history(day, project_id, episodes, reward_sum, success, failure) VALUES "
            "(?1,?2,?3,?4,?5,?6) ON CONFLICT(day, project_id) DO UPDATE SET episodes = reward_history.episodes + ?3, "
            "reward_sum = reward_history.reward_sum + ?4, success = greatest(0.0, reward_history.success + ?5), "
            "failure = greatest(0.0, reward_history.failure + ?6)")) {}

  void fold_in(const std::string& on_day, const std::string& id, const ProjectDay& p, double scale) {
    upsert_.bind(1, id).bind(2, p.added.alpha * scale).bind(3, p.added.beta * scale).bind(4, p.episodes);
    upsert_.bind(5, now_ms_).run();
    history_.bind(1, on_day).bind(2, id).bind(3, p.episodes).bind(4, p.reward_sum).bind(5, p.added.alpha);
    history_.bind(6, p.added.beta).run();
  }

 private:
  std::int64_t now_ms_;
  Statement upsert_, history_;
};

// Late corrections: each day's difference gets the decay that day's evidence has received so far.
void apply_corrections(Database& db, EvidenceWriter& writer, const CorrectionPlan& plan, const MergeConfig& config,
                       std::int64_t latest_start, std::int64_t now_ms, MergeResult& r) {
  auto day_stats = db.prepare(
      "UPDATE rl_training_history SET events = events + ?2, episodes = episodes + ?3, clicks = clicks + ?4, "
      "clients = clients + ?5, ctr = CASE WHEN episodes + ?3 > 0 THEN (clicks + ?4) * 1.0 / (episodes + ?3) ELSE 0 END, "
      "avg_reward = CASE WHEN episodes + ?3 > 0 THEN (avg_reward * episodes + ?6) / (episodes + ?3) ELSE 0 END "
      "WHERE day = ?1");
  auto day_late = db.prepare(
      "UPDATE rl_merge_watermarks SET late_episodes = late_episodes + ?2, late_events = late_events + ?3, "
      "corrected_ms = ?4 WHERE day = ?1");
  for (const auto& c : plan.corrections) {
    const double scale = bandit::decay_weight(c.start_ms / kDayMs, latest_start / kDayMs, config.half_life_days);
    auto projects = c.projects;
    apply_prefix_sums(db, c.day, c.prefix_change, prefix_rule(config), projects);
    for (const auto& [id, p] : projects) {
      writer.fold_in(c.day, id, p, scale);
      r.late_alpha += p.added.alpha * scale;
      r.late_beta += p.added.beta * scale;
    }
    if (projects.empty() && c.events == 0) continue;
    day_stats.bind(1, c.day).bind(2, c.events).bind(3, c.episodes).bind(4, c.clicks).bind(5, c.new_clients)
        .bind(6, c.reward_sum).run();
    day_late.bind(1, c.day).bind(2, c.episodes).bind(3, c.events).bind(4, now_ms).run();
    ++r.late_days_corrected;
    r.late_pairs += c.pairs;
    r.late_episodes += c.episodes;
    r.late_events += c.events;
  }
}

// Every day below the watermark was examined (re-checked under the lock): all now count `id <= W`.
void advance_watermarks(Database& db, const std::string& day, std::int64_t watermark) {
  db.prepare("UPDATE rl_merge_watermarks SET max_interaction_id = ?1 WHERE max_interaction_id < ?1")
      .bind(1, watermark)
      .run();
  db.prepare("INSERT INTO rl_merge_watermarks(day, max_interaction_id) VALUES (?, ?)").bind(1, day).bind(2, watermark).run();
}

void publish_snapshot(Database& db, const MergeConfig& config, std::int64_t now_ms, MergeResult& r) {
  r.snapshot_version = db.query_int("SELECT coalesce(max(version), 0) + 1 FROM bandit_snapshots").value_or(1);
  db.prepare("INSERT INTO bandit_snapshots(version, created_ms, half_life_days, body) VALUES (?,?,?,?)")
      .bind(1, r.snapshot_version)
      .bind(2, now_ms)
      .bind(3, config.half_life_days)
      .bind(4, build_snapshot_body(db, r.snapshot_version, now_ms, config.half_life_days))
      .run();
}

// The day's row in the training history, with its change against the previous merged day.
void record_history(Database& db, const std::string& day, std::int64_t now_ms, const MergeResult& r,
                    std::optional<double> ctr_change, std::optional<double> reward_change) {
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
}

}  // namespace

MergeResult run_merge(Database& db, const MergeConfig& config, const std::string& day, std::int64_t now_ms,
                      const std::function<void()>& before_commit) {
  const auto t0 = std::chrono::steady_clock::now();
  // Cluster-wide: a second server's merge waits here, then finds the day merged (or, if the first one died
  // mid-merge — its transaction rolled back and its lock released with its connection — merges it itself).
  JobLock lock(db, "merge");
  const std::int64_t start = day_start_ms(day);
  if (const auto v = merged_version(db, day)) return already_merged(day, *v);
  MergeResult r;
  r.day = day;
  // The watermark FIRST: ids are assigned in commit order by the single writer, so every row with id <= W is
  // already visible and every later insert gets a larger id. Everything this run counts is `id <= W`.
  const std::int64_t watermark = committed_watermark(db);
  r.max_interaction_id = watermark;
  // The day's episodes and the late corrections are read before taking the write lock (one statement = one
  // consistent snapshot), so ingest is blocked only for the short write phase; the plan is valid only if no other
  // run moved a watermark, and the already-merged check is repeated under the lock.
  PrefixSums prefix_sums;
  auto projects = fold_day(db, config, start, watermark, r, prefix_sums);
  CorrectionPlan plan = plan_corrections(db, config, watermark);

  Transaction tx(db);
  if (const auto v = merged_version(db, day)) return already_merged(day, *v);
  if (days_below(db, watermark) != plan.days) plan = plan_corrections(db, config, watermark);
  const Decay decay = apply_decay(db, config, start, r);
  std::optional<double> ctr_change, reward_change;
  {
    auto st = db.prepare("SELECT ctr, avg_reward FROM rl_training_history ORDER BY day DESC LIMIT 1");
    if (st.step()) {
      ctr_change = r.ctr - st.real(0);
      reward_change = r.avg_reward - st.real(1);
    }
  }
  apply_prefix_sums(db, day, prefix_sums, prefix_rule(config), projects);
  EvidenceWriter writer(db, now_ms);
  for (const auto& [id, p] : projects) writer.fold_in(day, id, p, decay.scale_new);
  apply_corrections(db, writer, plan, config, decay.latest_start, now_ms, r);
  advance_watermarks(db, day, watermark);
  publish_snapshot(db, config, now_ms, r);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  record_history(db, day, now_ms, r, ctr_change, reward_change);
  if (before_commit) before_commit();
  tx.commit();
  return r;
}

}  // namespace wayfinder::server
