// The single writer of feedback: batches queue up and are committed together (group commit) by one thread.
// Invariant: a batch's callback runs only after the transaction holding it committed (or with an error).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "wayfinder/events/event.h"

namespace wayfinder::server {

struct WriteResult {
  bool ok = false;
  bool replayed = false;  // the batch id was seen before: `response` is the stored answer
  int accepted = 0;
  int duplicates = 0;
  std::string response;  // JSON body to send
  std::string error;     // when !ok
};

// What the request, not the batch, says about a batch's rows: whether they may reach the community counts (a valid
// credential, or none required) and the keyed hash of the sender's address prefix. A replay keeps the stored rows'
// marks; a counted replay still promotes the client's uncounted rows (docs/SERVER.md, "Client credentials").
struct IngestTags {
  bool credentialed = true;
  std::string prefix_hash;  // empty: unknown (stored as NULL)
};

struct WriterStats {
  std::uint64_t commits = 0;
  std::uint64_t batches = 0;
};

class FeedbackWriter {
 public:
  using Done = std::function<void(WriteResult)>;
  // Opens its own connection to `db_path` (already migrated). max_group: batches per transaction.
  FeedbackWriter(std::string db_path, bool synchronous_full = true, std::size_t max_group = 512);
  ~FeedbackWriter();  // drains the queue, then stops
  FeedbackWriter(const FeedbackWriter&) = delete;
  FeedbackWriter& operator=(const FeedbackWriter&) = delete;

  void submit(events::FeedbackBatch batch, std::int64_t received_ms, Done done, IngestTags tags = {});
  void stop();  // finish everything queued, then join
  std::size_t queue_depth() const;
  WriterStats stats() const;

 private:
  struct Item {
    events::FeedbackBatch batch;
    std::int64_t received_ms;
    Done done;
    IngestTags tags;
  };
  void run();

  std::string db_path_;
  bool synchronous_full_;
  std::size_t max_group_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  WriterStats stats_;
  std::thread thread_;
};

}  // namespace wayfinder::server
