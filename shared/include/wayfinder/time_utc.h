// UTC timestamps on the wire and in storage: ISO 8601 text <-> Unix milliseconds, without the C library's time
// zone state. Invariant: format(parse(s)) round-trips every accepted string to its canonical form, natively and in WASM.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wayfinder {

// Parses "YYYY-MM-DDTHH:MM:SS[.fff...]Z" into Unix milliseconds; nullopt when malformed or out of range.
std::optional<std::int64_t> parse_iso8601_utc_ms(std::string_view s);
// Formats Unix milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ" (or without millis when they are zero).
std::string format_iso8601_utc(std::int64_t unix_ms);

}  // namespace wayfinder
