#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "wayfinder/time_utc.h"
#include "wayfinder/events/event.h"

using namespace wayfinder::events;
using nlohmann::json;

namespace {

json valid_event(const std::string& type = "click") {
  json e = {{"eventId", "e-1"},     {"type", type},        {"projectId", "Owner/Repo"}, {"rankingId", "r1"},
            {"position", 2},        {"arm", "rl"},         {"propensity", 0.12},        {"at", "2026-11-28T16:59:58Z"},
            {"modelVersion", "m1"}, {"shardVersion", "s1"}};
  if (type == "rating") e["stars"] = 4;
  if (type == "dwell") e["seconds"] = 12.5;
  return e;
}

json valid_batch(int n = 3) {
  json b = {{"clientId", "c-1"}, {"batchId", "b-1"}, {"sessionId", "s-1"}, {"sentAt", "2026-11-28T17:00:00Z"}};
  b["events"] = json::array();
  for (int i = 0; i < n; ++i) {
    json e = valid_event(i % 2 ? "rating" : "impression");
    e["eventId"] = "e-" + std::to_string(i);
    b["events"].push_back(e);
  }
  return b;
}

// Expects a SchemaError naming `field`.
void expect_field_error(const json& batch, const std::string& field) {
  try {
    FeedbackBatch b;
    from_json(batch, b);
    FAIL() << "accepted a batch that should fail at " << field;
  } catch (const SchemaError& e) {
    EXPECT_EQ(e.field(), field) << e.what();
  }
}

}  // namespace

TEST(EventsSchema, ParsesAValidBatchAndNormalisesTheProjectId) {
  FeedbackBatch b;
  from_json(valid_batch(), b);
  EXPECT_EQ(b.client_id, "c-1");
  ASSERT_EQ(b.events.size(), 3u);
  EXPECT_EQ(b.events[0].project_id, "owner/repo");
  EXPECT_EQ(b.events[0].type, EventType::kImpression);
  EXPECT_EQ(b.events[1].stars, 4);
  EXPECT_EQ(b.events[0].position, 2);
  EXPECT_DOUBLE_EQ(*b.events[0].propensity, 0.12);
  EXPECT_EQ(b.events[0].at_ms, 1795885198000LL);
}

TEST(EventsSchema, RoundTripsThroughJson) {
  FeedbackBatch b;
  from_json(valid_batch(5), b);
  json again = b;
  FeedbackBatch b2;
  from_json(again, b2);
  EXPECT_EQ(json(b2), again);
  EXPECT_EQ(again["events"][1]["stars"], 4);
  EXPECT_FALSE(again["events"][0].contains("stars"));
}

TEST(EventsSchema, ErrorsNameTheFieldPath) {
  json b = valid_batch(5);
  b["events"][3]["stars"] = 6;
  expect_field_error(b, "events[3].stars");
  b = valid_batch(5);
  b["events"][3]["stars"] = 4.5;
  expect_field_error(b, "events[3].stars");
  b = valid_batch(5);
  b["events"][2]["stars"] = 3;  // an impression
  expect_field_error(b, "events[2].stars");
  b = valid_batch(5);
  b["events"][1].erase("stars");
  expect_field_error(b, "events[1].stars");
  b = valid_batch();
  b["events"][0]["type"] = "purchase";
  expect_field_error(b, "events[0].type");
  b = valid_batch();
  b["events"][0]["projectId"] = "no-slash";
  expect_field_error(b, "events[0].projectId");
  b = valid_batch();
  b["events"][0]["at"] = "2026-02-30T00:00:00Z";
  expect_field_error(b, "events[0].at");
  b = valid_batch();
  b["events"][0]["at"] = "2026-11-28T16:59:58+01:00";
  expect_field_error(b, "events[0].at");
  b = valid_batch();
  b["events"][0]["propensity"] = 0.0;
  expect_field_error(b, "events[0].propensity");
  b = valid_batch();
  b["events"][0]["propensity"] = "0.5";
  expect_field_error(b, "events[0].propensity");
  b = valid_batch();
  b["events"][0]["position"] = -1;
  expect_field_error(b, "events[0].position");
  b = valid_batch();
  b["events"][0]["surprise"] = 1;
  expect_field_error(b, "events[0].surprise");
  b = valid_batch();
  b["events"][0].erase("eventId");
  expect_field_error(b, "events[0].eventId");
  b = valid_batch();
  b["events"][0]["eventId"] = "has space";
  expect_field_error(b, "events[0].eventId");
  b = valid_batch();
  b.erase("clientId");
  expect_field_error(b, "clientId");
  b = valid_batch();
  b["sentAt"] = 12;
  expect_field_error(b, "sentAt");
  b = valid_batch();
  b["events"] = json::array();
  expect_field_error(b, "events");
  b = valid_batch();
  b["events"][0] = "x";
  expect_field_error(b, "events[0]");
}

TEST(EventsSchema, DwellSecondsMustBeFiniteNonNegativeAndAreCapped) {
  json b = valid_batch(1);
  b["events"][0] = valid_event("dwell");
  b["events"][0]["seconds"] = 1e9;
  FeedbackBatch out;
  from_json(b, out);
  EXPECT_DOUBLE_EQ(*out.events[0].seconds, kMaxDwellSeconds);
  b["events"][0]["seconds"] = -1;
  expect_field_error(b, "events[0].seconds");
  b["events"][0]["seconds"] = 3;
  b["events"][0]["type"] = "click";
  expect_field_error(b, "events[0].seconds");
  // NaN/inf cannot be written as JSON numbers; text with them is rejected as invalid JSON.
  EXPECT_THROW(parse_feedback_batch(R"({"clientId":"c","batchId":"b","sentAt":"2026-11-28T17:00:00Z",
      "events":[{"eventId":"e","type":"dwell","projectId":"a/b","at":"2026-11-28T17:00:00Z","seconds":NaN}]})"),
               SchemaError);
  // Overflowing numbers parse to inf in some parsers; ours must reject them as not finite.
  try {
    parse_feedback_batch(R"({"clientId":"c","batchId":"b","sentAt":"2026-11-28T17:00:00Z",
      "events":[{"eventId":"e","type":"dwell","projectId":"a/b","at":"2026-11-28T17:00:00Z","seconds":1e999}]})");
    FAIL() << "accepted 1e999";
  } catch (const SchemaError& e) {
    SUCCEED() << e.what();
  }
}

TEST(EventsSchema, CommentIsRatingOnlyAndAtMost280Characters) {
  json b = valid_batch(2);
  b["events"][1]["comment"] = std::string(280, 'x');
  FeedbackBatch out;
  from_json(b, out);
  EXPECT_EQ(out.events[1].comment->size(), 280u);
  // 280 two-byte characters are 560 bytes but still 280 characters.
  std::string umlauts;
  for (int i = 0; i < 280; ++i) umlauts += "\xc3\xa4";
  b["events"][1]["comment"] = umlauts;
  from_json(b, out);
  b["events"][1]["comment"] = std::string(281, 'x');
  expect_field_error(b, "events[1].comment");
  b = valid_batch(2);
  b["events"][0]["comment"] = "hi";
  expect_field_error(b, "events[0].comment");
}

TEST(EventsSchema, RejectsMoreThanAThousandEvents) {
  json b = valid_batch(1000);
  FeedbackBatch out;
  from_json(b, out);
  EXPECT_EQ(out.events.size(), 1000u);
  b["events"].push_back(valid_event());
  expect_field_error(b, "events");
}

TEST(EventsSchema, RejectsMalformedAndDeeplyNestedBodies) {
  EXPECT_THROW(parse_feedback_batch("{"), SchemaError);
  EXPECT_THROW(parse_feedback_batch("[]"), SchemaError);
  EXPECT_THROW(parse_feedback_batch(std::string(5000, '[')), SchemaError);
  try {
    parse_feedback_batch("not json");
  } catch (const SchemaError& e) {
    EXPECT_EQ(e.field(), "");
  }
}

TEST(EventsSchema, Iso8601RoundTripsAndRejectsBadDates) {
  EXPECT_EQ(wayfinder::parse_iso8601_utc_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(wayfinder::parse_iso8601_utc_ms("2024-02-29T12:00:00.5Z"), 1709208000500LL);
  EXPECT_FALSE(wayfinder::parse_iso8601_utc_ms("2023-02-29T12:00:00Z"));
  EXPECT_FALSE(wayfinder::parse_iso8601_utc_ms("2023-13-01T12:00:00Z"));
  EXPECT_FALSE(wayfinder::parse_iso8601_utc_ms("2023-01-01 12:00:00Z"));
  EXPECT_FALSE(wayfinder::parse_iso8601_utc_ms("2023-01-01T12:00:00"));
  EXPECT_EQ(wayfinder::format_iso8601_utc(1709208000500LL), "2024-02-29T12:00:00.500Z");
  EXPECT_EQ(wayfinder::format_iso8601_utc(1795885198000LL), "2026-11-28T16:59:58Z");
  EXPECT_EQ(wayfinder::parse_iso8601_utc_ms(wayfinder::format_iso8601_utc(1795885198123LL)), 1795885198123LL);
  EXPECT_EQ(wayfinder::format_iso8601_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(wayfinder::format_iso8601_utc(951782400000LL), "2000-02-29T00:00:00Z");
}

TEST(EventsSchema, AltPropensityIsOptionalInZeroToOneAndRoundTrips) {
  json b = valid_batch(3);
  FeedbackBatch out;
  from_json(b, out);
  EXPECT_FALSE(out.events[0].alt_propensity.has_value());  // old clients: absent stays absent
  EXPECT_FALSE(json(out)["events"][0].contains("altPropensity"));

  b["events"][0]["altPropensity"] = 0.0;  // the other arm would never show it here: valid
  b["events"][1]["altPropensity"] = 1.0;
  b["events"][2]["altPropensity"] = 0.25;
  from_json(b, out);
  EXPECT_EQ(*out.events[0].alt_propensity, 0.0);
  EXPECT_EQ(*out.events[1].alt_propensity, 1.0);
  EXPECT_DOUBLE_EQ(*out.events[2].alt_propensity, 0.25);
  const json again = out;
  EXPECT_EQ(again["events"][2]["altPropensity"], 0.25);
  FeedbackBatch back;
  from_json(again, back);
  EXPECT_EQ(json(back), again);

  for (const json& bad : {json(-0.01), json(1.5), json("0.5"), json(true)}) {
    json c = valid_batch(3);
    c["events"][2]["altPropensity"] = bad;
    expect_field_error(c, "events[2].altPropensity");
  }
  try {
    parse_feedback_batch(R"({"clientId":"c","batchId":"b","sentAt":"2026-11-28T17:00:00Z",
      "events":[{"eventId":"e","type":"impression","projectId":"a/b","at":"2026-11-28T17:00:00Z","altPropensity":1e999}]})");
    FAIL() << "accepted 1e999";
  } catch (const SchemaError& e) {
    SUCCEED() << e.what();  // rejected (by the JSON parser or as not finite)
  }
}

TEST(EventsSchema, TheCorrectionTypesRoundTripAndRefuseStars) {
  for (const std::string type : {"unbookmark", "not_interested", "undo_not_interested"}) {
    const auto e = parse_event(valid_event(type), "event");
    EXPECT_EQ(to_string(e.type), type);
    EXPECT_EQ(json(e)["type"], type);
    auto bad = valid_batch(1);
    bad["events"][0] = valid_event(type);
    bad["events"][0]["stars"] = 3;
    expect_field_error(bad, "events[0].stars");
  }
  auto unknown = valid_batch(1);
  unknown["events"][0]["type"] = "unbookmarked";
  expect_field_error(unknown, "events[0].type");
}

TEST(EventsSchema, CredentialIsAnOptionalStringKeptForTheServerToCheck) {
  json b = valid_batch(1);
  b["credential"] = "wf1.123.not-checked-here";
  FeedbackBatch out;
  from_json(b, out);
  EXPECT_EQ(out.credential, "wf1.123.not-checked-here");
  EXPECT_EQ(json(out)["credential"], "wf1.123.not-checked-here");
  json none = valid_batch(1);
  from_json(none, out);
  EXPECT_EQ(out.credential, "");
  EXPECT_FALSE(json(out).contains("credential"));
  for (const json& bad : {json(7), json(std::string(257, 'x')), json::array()}) {
    json c = valid_batch(1);
    c["credential"] = bad;
    expect_field_error(c, "credential");
  }
}

TEST(EventsSchema, CheckIdNamesTheField) {
  EXPECT_NO_THROW(check_id("clientId", "a-Z_0.9:x"));
  for (const std::string& bad : {std::string(), std::string(129, 'a'), std::string("a b"), std::string("é")}) {
    try {
      check_id("clientId", bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const SchemaError& e) {
      EXPECT_EQ(e.field(), "clientId");
    }
  }
}
