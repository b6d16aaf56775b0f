// libFuzzer target: the feedback batch parser (JSON → FeedbackBatch) and the static path sanitiser.
// Any input must either parse into a batch that re-serialises and re-parses identically, or throw SchemaError.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "static_files.h"
#include "wayfinder/events/event.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    const auto batch = wayfinder::events::parse_feedback_batch(input);
    const nlohmann::json again = batch;
    const auto reparsed = wayfinder::events::parse_feedback_batch(again.dump());
    if (nlohmann::json(reparsed) != again) __builtin_trap();
    if (batch.events.empty() || batch.events.size() > wayfinder::events::kMaxEventsPerBatch) __builtin_trap();
  } catch (const wayfinder::events::SchemaError&) {
  }
  if (const auto p = wayfinder::server::safe_relative_path(input)) {
    if (p->find("..") != std::string::npos && (p->find("/..") != std::string::npos || p->rfind("..", 0) == 0)) {
      __builtin_trap();
    }
  }
  return 0;
}
