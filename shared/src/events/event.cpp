#include "wayfinder/events/event.h"

#include "wayfinder/time_utc.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "wayfinder/catalog/project.h"

namespace wayfinder::events {

void check_id(const std::string& field, std::string_view s) {
  if (s.empty()) throw SchemaError(field, "must not be empty");
  if (s.size() > kMaxIdBytes) throw SchemaError(field, "is longer than 128 bytes");
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == ':';
    if (!ok) throw SchemaError(field, "has a character outside [A-Za-z0-9._:-]");
  }
}

namespace {

constexpr const char* kTypeNames[kEventTypeCount] = {"impression", "click",      "bookmark",       "rating",
                                                     "dwell",      "unbookmark", "not_interested", "undo_not_interested"};

std::string join(const std::string& path, const char* field) { return path.empty() ? field : path + "." + field; }

[[noreturn]] void fail(const std::string& field, const std::string& what) { throw SchemaError(field, what); }

// Identifiers are opaque but printable: [A-Za-z0-9._:-], 1..kMaxIdBytes.
std::string get_id(const nlohmann::json& j, const std::string& path, const char* field, bool required) {
  const std::string f = join(path, field);
  const auto it = j.find(field);
  if (it == j.end() || it->is_null()) {
    if (required) fail(f, "is missing");
    return {};
  }
  if (!it->is_string()) fail(f, "must be a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.empty()) {
    if (required) fail(f, "must not be empty");
    return {};
  }
  check_id(f, s);
  return s;
}

std::pair<std::string, std::int64_t> get_time(const nlohmann::json& j, const std::string& path, const char* field) {
  const std::string f = join(path, field);
  const auto it = j.find(field);
  if (it == j.end() || it->is_null()) fail(f, "is missing");
  if (!it->is_string()) fail(f, "must be an ISO-8601 UTC string");
  const auto& s = it->get_ref<const std::string&>();
  const auto ms = parse_iso8601_utc_ms(s);
  if (!ms) fail(f, "must be an ISO-8601 UTC time like 2026-11-28T17:00:00Z");
  return {s, *ms};
}

std::optional<double> get_number(const nlohmann::json& j, const std::string& path, const char* field) {
  const auto it = j.find(field);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) fail(join(path, field), "must be a number");
  const double v = it->get<double>();
  if (!std::isfinite(v)) fail(join(path, field), "must be finite");
  return v;
}

std::optional<std::int64_t> get_integer(const nlohmann::json& j, const std::string& path, const char* field) {
  const auto it = j.find(field);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (it->is_number_integer()) {
    if (it->is_number_unsigned()) {
      const auto u = it->get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(INT64_MAX)) fail(join(path, field), "is out of range");
      return static_cast<std::int64_t>(u);
    }
    return it->get<std::int64_t>();
  }
  if (it->is_number_float()) {
    const double v = it->get<double>();
    // 4.0 is accepted as 4; 4.5, NaN and inf are not integers.
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) return static_cast<std::int64_t>(v);
  }
  fail(join(path, field), "must be an integer");
}

std::size_t utf8_code_points(const std::string& s, const std::string& field) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) fail(field, "is not valid UTF-8");
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) fail(field, "is not valid UTF-8");
    }
    i += len;
    ++n;
  }
  return n;
}

void reject_unknown(const nlohmann::json& j, const std::string& path, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : j.items()) {
    bool ok = false;
    for (auto k : known) ok = ok || key == k;
    if (!ok) fail(join(path, key.c_str()), "is not a known field");
  }
}

}  // namespace

SchemaError::SchemaError(std::string field, const std::string& what)
    : std::invalid_argument(field.empty() ? what : "field '" + field + "' " + what), field_(std::move(field)) {}

std::string_view to_string(EventType t) { return kTypeNames[static_cast<int>(t)]; }

std::optional<EventType> parse_event_type(std::string_view s) {
  for (int i = 0; i < kEventTypeCount; ++i) {
    if (s == kTypeNames[i]) return static_cast<EventType>(i);
  }
  return std::nullopt;
}

namespace {

EventType parse_type_field(const nlohmann::json& j, const std::string& path) {
  const auto f = join(path, "type");
  const auto it = j.find("type");
  if (it == j.end() || it->is_null()) fail(f, "is missing");
  if (!it->is_string()) fail(f, "must be a string");
  const auto t = parse_event_type(it->get_ref<const std::string&>());
  if (!t) fail(f, "must be one of impression, click, bookmark, rating, dwell, unbookmark, not_interested, "
            "undo_not_interested");
  return *t;
}

std::string parse_project_field(const nlohmann::json& j, const std::string& path) {
  const auto f = join(path, "projectId");
  const auto it = j.find("projectId");
  if (it == j.end() || it->is_null()) fail(f, "is missing");
  if (!it->is_string()) fail(f, "must be a string");
  try {
    return normalize_project_id(it->get_ref<const std::string&>());
  } catch (const std::invalid_argument& ex) {
    fail(f, std::string("is invalid: ") + ex.what());
  }
}

// Slot, arm, experiment and the two propensities: what off-policy evaluation needs of an impression.
void parse_logging_fields(const nlohmann::json& j, const std::string& path, Event& e) {
  if (const auto p = get_integer(j, path, "position")) {
    if (*p < 0 || *p > kMaxPosition) fail(join(path, "position"), "must be between 0 and 10000");
    e.position = static_cast<std::int32_t>(*p);
  }
  e.arm = get_id(j, path, "arm", false);
  e.experiment_id = get_id(j, path, "experimentId", false);
  if (const auto p = get_number(j, path, "propensity")) {
    if (!(*p > 0.0 && *p <= 1.0)) fail(join(path, "propensity"), "must be in (0, 1]");
    e.propensity = *p;
  }
  if (const auto p = get_number(j, path, "altPropensity")) {
    if (!(*p >= 0.0 && *p <= 1.0)) fail(join(path, "altPropensity"), "must be in [0, 1]");
    e.alt_propensity = *p;
  }
}

// stars and comment only on ratings (stars required there), seconds only on dwell (required there).
void parse_type_specific_fields(const nlohmann::json& j, const std::string& path, Event& e) {
  const bool is_rating = e.type == EventType::kRating;
  const bool is_dwell = e.type == EventType::kDwell;
  if (const auto s = get_integer(j, path, "stars")) {
    if (!is_rating) fail(join(path, "stars"), "is only allowed on rating events");
    if (*s < 1 || *s > 5) fail(join(path, "stars"), "must be an integer from 1 to 5");
    e.stars = static_cast<std::int32_t>(*s);
  } else if (is_rating) {
    fail(join(path, "stars"), "is missing (required on rating events)");
  }
  if (const auto it = j.find("comment"); it != j.end() && !it->is_null()) {
    const auto f = join(path, "comment");
    if (!is_rating) fail(f, "is only allowed on rating events");
    if (!it->is_string()) fail(f, "must be a string");
    const auto& c = it->get_ref<const std::string&>();
    if (utf8_code_points(c, f) > kMaxCommentChars) fail(f, "is longer than 280 characters");
    e.comment = c;
  }
  if (const auto s = get_number(j, path, "seconds")) {
    if (!is_dwell) fail(join(path, "seconds"), "is only allowed on dwell events");
    if (*s < 0.0) fail(join(path, "seconds"), "must not be negative");
    e.seconds = std::min(*s, kMaxDwellSeconds);
  } else if (is_dwell) {
    fail(join(path, "seconds"), "is missing (required on dwell events)");
  }
}

}  // namespace

Event parse_event(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) fail(path, "must be a JSON object");
  reject_unknown(j, path,
                 {"eventId", "type", "projectId", "rankingId", "position", "arm", "experimentId", "propensity",
                  "altPropensity", "stars", "comment", "seconds", "at", "modelVersion", "shardVersion"});
  Event e;
  e.event_id = get_id(j, path, "eventId", true);
  e.type = parse_type_field(j, path);
  e.project_id = parse_project_field(j, path);
  e.ranking_id = get_id(j, path, "rankingId", false);
  parse_logging_fields(j, path, e);
  parse_type_specific_fields(j, path, e);
  std::tie(e.at, e.at_ms) = get_time(j, path, "at");
  e.model_version = get_id(j, path, "modelVersion", false);
  e.shard_version = get_id(j, path, "shardVersion", false);
  return e;
}

void from_json(const nlohmann::json& j, Event& e) { e = parse_event(j, ""); }

void to_json(nlohmann::json& j, const Event& e) {
  j = nlohmann::json::object();
  j["eventId"] = e.event_id;
  j["type"] = std::string(to_string(e.type));
  j["projectId"] = e.project_id;
  if (!e.ranking_id.empty()) j["rankingId"] = e.ranking_id;
  if (e.position >= 0) j["position"] = e.position;
  if (!e.arm.empty()) j["arm"] = e.arm;
  if (!e.experiment_id.empty()) j["experimentId"] = e.experiment_id;
  if (e.propensity) j["propensity"] = *e.propensity;
  if (e.alt_propensity) j["altPropensity"] = *e.alt_propensity;
  if (e.stars) j["stars"] = *e.stars;
  if (e.comment) j["comment"] = *e.comment;
  if (e.seconds) j["seconds"] = *e.seconds;
  j["at"] = e.at;
  if (!e.model_version.empty()) j["modelVersion"] = e.model_version;
  if (!e.shard_version.empty()) j["shardVersion"] = e.shard_version;
}

namespace {

// The batch's optional credential: any string up to 256 bytes. Its form and tag are the server's to check
// (wayfinder/identity/credential.h), so that a batch with a bad credential is still stored, just not counted.
std::string get_credential(const nlohmann::json& j) {
  const auto it = j.find("credential");
  if (it == j.end() || it->is_null()) return {};
  if (!it->is_string()) fail("credential", "must be a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > 256) fail("credential", "is longer than 256 bytes");
  return s;
}

}  // namespace

void from_json(const nlohmann::json& j, FeedbackBatch& b) {
  if (!j.is_object()) fail("", "the batch must be a JSON object");
  reject_unknown(j, "", {"clientId", "batchId", "sessionId", "credential", "sentAt", "events"});
  FeedbackBatch out;
  out.client_id = get_id(j, "", "clientId", true);
  out.batch_id = get_id(j, "", "batchId", true);
  out.session_id = get_id(j, "", "sessionId", false);
  out.credential = get_credential(j);
  std::tie(out.sent_at, out.sent_at_ms) = get_time(j, "", "sentAt");
  const auto it = j.find("events");
  if (it == j.end() || it->is_null()) fail("events", "is missing");
  if (!it->is_array()) fail("events", "must be an array");
  if (it->empty()) fail("events", "must not be empty");
  if (it->size() > kMaxEventsPerBatch) fail("events", "has more than 1000 events");
  out.events.reserve(it->size());
  for (std::size_t i = 0; i < it->size(); ++i) {
    out.events.push_back(parse_event((*it)[i], "events[" + std::to_string(i) + "]"));
  }
  b = std::move(out);
}

void to_json(nlohmann::json& j, const FeedbackBatch& b) {
  j = nlohmann::json::object();
  j["clientId"] = b.client_id;
  j["batchId"] = b.batch_id;
  if (!b.session_id.empty()) j["sessionId"] = b.session_id;
  if (!b.credential.empty()) j["credential"] = b.credential;
  j["sentAt"] = b.sent_at;
  j["events"] = nlohmann::json::array();
  for (const auto& e : b.events) j["events"].push_back(e);
}

FeedbackBatch parse_feedback_batch(std::string_view body) {
  // nlohmann's parser recurses per nesting level: refuse deep nesting before it can exhaust the stack.
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > 16) fail("", "the body is nested too deeply");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) fail("", "the body is not valid JSON");
  FeedbackBatch b;
  from_json(j, b);
  return b;
}

}  // namespace wayfinder::events
