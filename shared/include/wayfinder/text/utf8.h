// UTF-8 <-> code points, the one decoder the text layer uses (same replacement rule as JS TextDecoder).
// Invariant: decoding never fails; each maximal invalid subpart becomes exactly one U+FFFD (WHATWG/Unicode §3.9).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wayfinder::text {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Invalid input (stray continuation bytes, truncated sequences, overlongs, surrogates D800-DFFF, values
// above U+10FFFF, bytes F5-FF) is replaced by U+FFFD per maximal subpart, exactly like Node's
// `Buffer.toString('utf8')` / `new TextDecoder().decode()`: e.g. "\xE2\x82" -> 1 U+FFFD, "\xC0\x80" -> 2.
std::u32string decode_utf8(std::string_view utf8);
void append_utf8(std::string& out, char32_t cp);
std::string encode_utf8(std::u32string_view cps);

}  // namespace wayfinder::text
