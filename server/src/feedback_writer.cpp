#include "feedback_writer.h"

#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "storage.h"

namespace wayfinder::server {
namespace {
// The experiment the schema creates (storage.cpp, migration 2): where events without an experimentId are counted.
constexpr std::string_view kDefaultExperiment = "ranking-rl-vs-similarity";
}  // namespace

FeedbackWriter::FeedbackWriter(std::string db_path, bool synchronous_full, std::size_t max_group)
    : db_path_(std::move(db_path)), synchronous_full_(synchronous_full), max_group_(max_group) {
  thread_ = std::thread([this] { run(); });
}

FeedbackWriter::~FeedbackWriter() { stop(); }

void FeedbackWriter::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void FeedbackWriter::submit(events::FeedbackBatch batch, std::int64_t received_ms, Done done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(Item{std::move(batch), received_ms, std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  WriteResult r;
  r.error = "server is shutting down";
  done(std::move(r));
}

std::size_t FeedbackWriter::queue_depth() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

WriterStats FeedbackWriter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void FeedbackWriter::run() {
  Database db = open_storage(db_path_, synchronous_full_);
  auto find_batch = db.prepare("SELECT response FROM feedback_batches WHERE client_id = ? AND batch_id = ?");
  auto insert_batch = db.prepare(
      "INSERT INTO feedback_batches(client_id, batch_id, received_ms, accepted, duplicates, response) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  auto insert_event = db.prepare(
      "INSERT OR IGNORE INTO user_interactions(client_id, event_id, batch_id, session_id, type, project_id, "
      "ranking_id, position, arm, propensity, stars, comment, seconds, at_ms, received_ms, model_version, "
      "shard_version, alt_propensity) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  auto upsert_session = db.prepare(
      "INSERT INTO user_sessions(client_id, session_id, first_seen_ms, last_seen_ms, events) VALUES (?,?,?,?,?) "
      "ON CONFLICT(client_id, session_id) DO UPDATE SET last_seen_ms = max(last_seen_ms, excluded.last_seen_ms), "
      "events = events + excluded.events");
  auto insert_assignment = db.prepare(
      "INSERT OR IGNORE INTO user_ab_assignment(client_id, experiment_id, arm, first_seen_ms) VALUES (?, ?, ?, ?)");

  for (;;) {
    std::vector<Item> group;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && group.size() < max_group_) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<WriteResult> results(group.size());
    try {
      Transaction tx(db);
      for (std::size_t i = 0; i < group.size(); ++i) {
        const auto& b = group[i].batch;
        auto& r = results[i];
        find_batch.bind(1, b.client_id).bind(2, b.batch_id);
        if (find_batch.step()) {
          r.response = find_batch.text(0);
          r.replayed = true;
          r.ok = true;
          find_batch.reset();
          continue;
        }
        find_batch.reset();
        std::set<std::pair<std::string, std::string>> arms;  // (experiment id, arm) pairs of the batch
        for (const auto& e : b.events) {
          insert_event.bind(1, b.client_id)
              .bind(2, e.event_id)
              .bind(3, b.batch_id)
              .bind(4, b.session_id)
              .bind(5, events::to_string(e.type))
              .bind(6, e.project_id)
              .bind(7, e.ranking_id)
              .bind(8, e.position)
              .bind(9, e.arm)
              .bind(10, e.propensity)
              .bind(11, e.stars)
              .bind(12, e.comment)
              .bind(13, e.seconds)
              .bind(14, e.at_ms)
              .bind(15, group[i].received_ms)
              .bind(16, e.model_version)
              .bind(17, e.shard_version)
              .bind(18, e.alt_propensity);
          insert_event.run();
          if (db.changes() == 1) {
            ++r.accepted;
          } else {
            ++r.duplicates;
          }
          // The event names its experiment; events of clients older than experimentId belong to the first one.
          if (!e.arm.empty()) arms.emplace(e.experiment_id.empty() ? std::string(kDefaultExperiment) : e.experiment_id, e.arm);
        }
        if (!b.session_id.empty()) {
          upsert_session.bind(1, b.client_id)
              .bind(2, b.session_id)
              .bind(3, group[i].received_ms)
              .bind(4, group[i].received_ms)
              .bind(5, r.accepted)
              .run();
        }
        for (const auto& [experiment, arm] : arms)
          insert_assignment.bind(1, b.client_id).bind(2, experiment).bind(3, arm).bind(4, group[i].received_ms).run();
        r.response = nlohmann::json{{"accepted", r.accepted}, {"duplicates", r.duplicates}}.dump();
        insert_batch.bind(1, b.client_id)
            .bind(2, b.batch_id)
            .bind(3, group[i].received_ms)
            .bind(4, r.accepted)
            .bind(5, r.duplicates)
            .bind(6, r.response)
            .run();
        r.ok = true;
      }
      tx.commit();
    } catch (const std::exception& ex) {
      for (auto& r : results) {
        r = WriteResult{};
        r.error = ex.what();
      }
    }
    {
      std::lock_guard lock(mu_);
      ++stats_.commits;
      stats_.batches += group.size();
    }
    for (std::size_t i = 0; i < group.size(); ++i) group[i].done(std::move(results[i]));
  }
}

}  // namespace wayfinder::server
