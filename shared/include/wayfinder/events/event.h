// Feedback events and batches as they travel from a client to the sync server (docs/ARCHITECTURE.md, wire format).
// Invariant: a value produced by from_json passed every check; a field only present on its event type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace wayfinder::events {

inline constexpr std::size_t kMaxEventsPerBatch = 1000;
inline constexpr std::size_t kMaxCommentChars = 280;  // Unicode code points
inline constexpr std::size_t kMaxIdBytes = 128;       // eventId, batchId, clientId, sessionId, rankingId, ...
inline constexpr double kMaxDwellSeconds = 3600.0;    // longer dwell is clamped to this
inline constexpr std::int32_t kMaxPosition = 10000;

// kUnbookmark takes a bookmark back; kNotInterested hides a project from this learner (a negative reward) and
// kUndoNotInterested takes that back (docs/BANDIT.md, "Rewards").
enum class EventType : std::uint8_t {
  kImpression = 0, kClick = 1, kBookmark = 2, kRating = 3, kDwell = 4,
  kUnbookmark = 5, kNotInterested = 6, kUndoNotInterested = 7
};
inline constexpr int kEventTypeCount = 8;

std::string_view to_string(EventType t);
// "impression" | "click" | "bookmark" | "rating" | "dwell" | "unbookmark" | "not_interested" |
// "undo_not_interested"; nullopt for anything else.
std::optional<EventType> parse_event_type(std::string_view s);

// A validation failure; field() is the JSON path of the offending field, e.g. "events[3].stars".
class SchemaError : public std::invalid_argument {
 public:
  SchemaError(std::string field, const std::string& what);
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

struct Event {
  std::string event_id;
  EventType type = EventType::kImpression;
  std::string project_id;  // normalised lowercase owner/repo
  std::string ranking_id;  // may be empty
  std::int32_t position = -1;   // -1: not given
  std::string arm;              // may be empty
  std::string experiment_id;    // "experimentId": the experiment whose arm `arm` is; may be empty (older clients)
  std::optional<double> propensity;  // in (0, 1]
  // "altPropensity": probability that the OTHER arm's policy would have put this project in this slot, in [0, 1]
  // (0 is valid: the other arm would never show it here). π for off-policy evaluation of the other arm.
  std::optional<double> alt_propensity;
  std::optional<std::int32_t> stars;  // rating only, 1..5 (required there)
  std::optional<std::string> comment;  // rating only, <= 280 code points
  std::optional<double> seconds;       // dwell only (required there), finite, >= 0, clamped to kMaxDwellSeconds
  std::string at;                      // ISO-8601 UTC as received ("...Z")
  std::int64_t at_ms = 0;              // `at` as Unix milliseconds
  std::string model_version;
  std::string shard_version;
};

struct FeedbackBatch {
  std::string client_id;
  std::string batch_id;
  std::string session_id;  // may be empty
  std::string credential;  // the client's credential (wf1.<expires>.<tag>), may be empty; the server checks it
  std::string sent_at;
  std::int64_t sent_at_ms = 0;
  std::vector<Event> events;  // 1..kMaxEventsPerBatch
};


// from_json throws SchemaError (field path relative to the value parsed, prefixed by `path` for Event).
void from_json(const nlohmann::json& j, Event& e);
void to_json(nlohmann::json& j, const Event& e);
void from_json(const nlohmann::json& j, FeedbackBatch& b);
void to_json(nlohmann::json& j, const FeedbackBatch& b);

// An id (clientId, batchId, …): 1..128 bytes of [A-Za-z0-9._:-]; throws SchemaError naming `field`.
void check_id(const std::string& field, std::string_view id);
// Parses one event whose errors are reported under `path` (e.g. "events[3]").
Event parse_event(const nlohmann::json& j, const std::string& path);
// Parses raw request bytes into a batch; malformed JSON is reported with field "" (the body).
FeedbackBatch parse_feedback_batch(std::string_view body);

}  // namespace wayfinder::events
