#include "feedback_writer.h"

#include <nlohmann/json.hpp>
#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "storage.h"

namespace wayfinder::server {

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

void FeedbackWriter::submit(events::FeedbackBatch batch, std::int64_t received_ms, Done done, IngestTags tags) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(Item{std::move(batch), received_ms, std::move(done), std::move(tags)});
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

namespace {

// The experiment the schema creates (storage.cpp, migration 2): where events without an experimentId are counted.
constexpr std::string_view kDefaultExperiment = "ranking-rl-vs-similarity";
constexpr int kEventColumns = 20;
constexpr std::array<std::size_t, 4> kChunks = {64, 16, 4, 1};  // rows per INSERT: few statement shapes

std::string insert_events_sql(std::size_t rows) {
  std::string sql =
      "INSERT INTO user_interactions(client_id, event_id, batch_id, session_id, type, project_id, "
      "ranking_id, position, arm, propensity, stars, comment, seconds, at_ms, received_ms, model_version, "
      "shard_version, alt_propensity, credentialed, prefix_hash) VALUES ";
  for (std::size_t r = 0; r < rows; ++r) sql += r ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  return sql + " ON CONFLICT DO NOTHING";
}

// The writer's statements on its own connection, and the write of one batch inside the group's transaction.
struct BatchStore {
  Database db;
  Statement claim_batch, find_batch, answer_batch, upsert_session, insert_assignment;
  Statement mark_uncounted, unmark_uncounted, promote_rows;
  std::array<Statement, kChunks.size()> insert_events;  // one multi-row INSERT per chunk size (one round trip)

  BatchStore(const std::string& path, bool synchronous_full) : db(open_storage(path, synchronous_full)) {
    // The batch is claimed FIRST: on PostgreSQL a second server inserting the same (client, batch) waits for the
    // first one's transaction, then finds the row and answers its stored response (one truth for every server).
    claim_batch = db.prepare(
        "INSERT INTO feedback_batches(client_id, batch_id, received_ms, accepted, duplicates, response) "
        "VALUES (?, ?, ?, 0, 0, '') ON CONFLICT DO NOTHING");
    find_batch = db.prepare("SELECT response FROM feedback_batches WHERE client_id = ? AND batch_id = ?");
    answer_batch = db.prepare(
        "UPDATE feedback_batches SET accepted = ?3, duplicates = ?4, response = ?5 WHERE client_id = ?1 AND batch_id = ?2");
    for (std::size_t k = 0; k < kChunks.size(); ++k) insert_events[k] = db.prepare(insert_events_sql(kChunks[k]));
    upsert_session = db.prepare(
        "INSERT INTO user_sessions(client_id, session_id, first_seen_ms, last_seen_ms, events) VALUES (?,?,?,?,?) "
        "ON CONFLICT(client_id, session_id) DO UPDATE SET "
        "last_seen_ms = greatest(user_sessions.last_seen_ms, excluded.last_seen_ms), "
        "events = user_sessions.events + excluded.events");
    insert_assignment = db.prepare(
        "INSERT INTO user_ab_assignment(client_id, experiment_id, arm, first_seen_ms) "
        "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    mark_uncounted = db.prepare("INSERT INTO uncounted_clients(client_id, since_ms) VALUES (?, ?) ON CONFLICT DO NOTHING");
    unmark_uncounted = db.prepare("DELETE FROM uncounted_clients WHERE client_id = ?");
    promote_rows = db.prepare("UPDATE user_interactions SET credentialed = 1 WHERE client_id = ? AND credentialed = 0");
  }

  // A client that presents a valid credential holds a valid tag from now on: its rows stored without one count
  // from the next merge of their day (a day merged already keeps its counts). Once per uncounted spell.
  void credit_client(const std::string& client_id, const IngestTags& tags, std::int64_t received_ms) {
    if (!tags.credentialed) {
      mark_uncounted.bind(1, client_id).bind(2, received_ms).run();
      return;
    }
    unmark_uncounted.bind(1, client_id).run();
    if (db.changes() > 0) promote_rows.bind(1, client_id).run();
  }

  // Every event of the batch in as few INSERTs as the chunk sizes allow; a row that hits the unique
  // (client_id, event_id) — sent before, or twice in this batch — is not inserted and counts as a duplicate.
  void insert_all(const events::FeedbackBatch& b, std::int64_t received_ms, const IngestTags& tags, WriteResult& r) {
    const std::optional<std::string> prefix_hash =
        tags.prefix_hash.empty() ? std::nullopt : std::optional<std::string>(tags.prefix_hash);
    std::size_t next = 0;
    for (std::size_t k = 0; k < kChunks.size(); ++k) {
      for (; b.events.size() - next >= kChunks[k]; next += kChunks[k]) {
        auto& st = insert_events[k];
        for (std::size_t row = 0; row < kChunks[k]; ++row) {
          const auto& e = b.events[next + row];
          const int c = static_cast<int>(row) * kEventColumns;
          st.bind(c + 1, b.client_id).bind(c + 2, e.event_id).bind(c + 3, b.batch_id).bind(c + 4, b.session_id)
              .bind(c + 5, events::to_string(e.type)).bind(c + 6, e.project_id).bind(c + 7, e.ranking_id)
              .bind(c + 8, e.position).bind(c + 9, e.arm).bind(c + 10, e.propensity).bind(c + 11, e.stars)
              .bind(c + 12, e.comment).bind(c + 13, e.seconds).bind(c + 14, e.at_ms).bind(c + 15, received_ms)
              .bind(c + 16, e.model_version).bind(c + 17, e.shard_version).bind(c + 18, e.alt_propensity)
              .bind(c + 19, tags.credentialed ? 1 : 0).bind(c + 20, prefix_hash);
        }
        st.run();
        const auto inserted = static_cast<int>(db.changes());
        r.accepted += inserted;
        r.duplicates += static_cast<int>(kChunks[k]) - inserted;
      }
    }
  }

  void write(const events::FeedbackBatch& b, std::int64_t received_ms, const IngestTags& tags, WriteResult& r) {
    credit_client(b.client_id, tags, received_ms);
    claim_batch.bind(1, b.client_id).bind(2, b.batch_id).bind(3, received_ms).run();
    if (db.changes() == 0) {  // stored before (by any server): its answer, nothing written
      find_batch.bind(1, b.client_id).bind(2, b.batch_id);
      if (!find_batch.step()) throw DbError("batch '" + b.batch_id + "' vanished while answering it");
      r.response = find_batch.text(0);
      find_batch.reset();
      r.replayed = r.ok = true;
      return;
    }
    insert_all(b, received_ms, tags, r);
    // The event names its experiment; events of clients older than experimentId belong to the first one.
    std::set<std::pair<std::string, std::string>> arms;  // (experiment id, arm) pairs of the batch
    for (const auto& e : b.events) {
      if (!e.arm.empty()) arms.emplace(e.experiment_id.empty() ? std::string(kDefaultExperiment) : e.experiment_id, e.arm);
    }
    if (!b.session_id.empty()) {
      upsert_session.bind(1, b.client_id).bind(2, b.session_id).bind(3, received_ms).bind(4, received_ms)
          .bind(5, r.accepted).run();
    }
    for (const auto& [experiment, arm] : arms) {
      insert_assignment.bind(1, b.client_id).bind(2, experiment).bind(3, arm).bind(4, received_ms).run();
    }
    r.response = nlohmann::json{{"accepted", r.accepted}, {"duplicates", r.duplicates}}.dump();
    answer_batch.bind(1, b.client_id).bind(2, b.batch_id).bind(3, r.accepted).bind(4, r.duplicates)
        .bind(5, r.response).run();
    r.ok = true;
  }
};

}  // namespace

void FeedbackWriter::run() {
  BatchStore store(db_path_, synchronous_full_);
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
    // Batches in key order: two servers' groups claim shared batch ids in the same order (no lock cycle).
    std::vector<std::size_t> order(group.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::tie(group[a].batch.client_id, group[a].batch.batch_id) <
             std::tie(group[b].batch.client_id, group[b].batch.batch_id);
    });
    std::vector<WriteResult> results(group.size());
    // A conflict with another server's transaction (deadlock, serialization) is retried; a lost database is not.
    for (int attempt = 0;; ++attempt) {
      try {
        results.assign(group.size(), WriteResult{});
        store.db.ensure_connected();  // after a database restart: reconnect (statements re-prepare themselves)
        Transaction tx(store.db);
        begin_ingest(store.db);
        for (const auto i : order) store.write(group[i].batch, group[i].received_ms, group[i].tags, results[i]);
        tx.commit();
        break;
      } catch (const std::exception& ex) {
        const auto* db_error = dynamic_cast<const DbError*>(&ex);
        if (attempt < 2 && db_error && !db_error->unavailable()) continue;
        for (auto& r : results) {
          r = WriteResult{};
          r.error = ex.what();
        }
        break;
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
