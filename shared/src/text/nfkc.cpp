#include "wayfinder/text/nfkc.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "wayfinder/text/utf8.h"

namespace wayfinder::text {
namespace {

#include "nfkc_tables.inc"

// Hangul syllable arithmetic (Unicode §3.12).
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

struct DecompositionEntry {
  char32_t cp;
  std::uint32_t offset;  // into kDecompositions, first code point of the mapping
  std::uint32_t length;
};

const std::vector<DecompositionEntry>& decomposition_index() {
  static const std::vector<DecompositionEntry> index = [] {
    std::vector<DecompositionEntry> v;
    constexpr std::size_t n = sizeof(kDecompositions) / sizeof(kDecompositions[0]);
    for (std::size_t i = 0; i < n;) {
      const std::uint32_t header = kDecompositions[i];
      const std::uint32_t len = header >> 21;
      v.push_back({header & 0x1FFFFF, static_cast<std::uint32_t>(i + 1), len});
      i += 1 + len;
    }
    return v;  // the generator emits code points in increasing order
  }();
  return index;
}

// The smallest code point with any decomposition / non-zero class / composition: below it, text is inert.
constexpr char32_t kFirstInteresting = 0xA0;

std::uint8_t combining_rank(char32_t cp) {
  if (cp < 0x300) return 0;
  const auto* first = std::begin(kCombiningRanks);
  const auto* last = std::end(kCombiningRanks);
  const auto* it = std::lower_bound(first, last, static_cast<std::uint32_t>(cp),
                                    [](std::uint32_t entry, std::uint32_t key) { return (entry & 0xFFFFFF) < key; });
  return (it != last && (*it & 0xFFFFFF) == cp) ? static_cast<std::uint8_t>(*it >> 24) : 0;
}

void decompose_into(std::u32string& out, char32_t cp) {
  if (cp < kFirstInteresting) {
    out.push_back(cp);
    return;
  }
  if (cp >= kSBase && cp < kSBase + kSCount) {
    const char32_t s = cp - kSBase;
    out.push_back(kLBase + s / kNCount);
    out.push_back(kVBase + (s % kNCount) / kTCount);
    if (s % kTCount != 0) out.push_back(kTBase + s % kTCount);
    return;
  }
  const auto& index = decomposition_index();
  const auto it = std::lower_bound(index.begin(), index.end(), cp,
                                   [](const DecompositionEntry& e, char32_t key) { return e.cp < key; });
  if (it == index.end() || it->cp != cp) {
    out.push_back(cp);
    return;
  }
  out.append(kDecompositions + it->offset, kDecompositions + it->offset + it->length);
}

// Returns 0 when the pair does not compose.
char32_t compose_pair(char32_t a, char32_t b) {
  if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount) {
    return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
  }
  if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase && b < kTBase + kTCount) {
    return a + (b - kTBase);
  }
  constexpr std::size_t n = sizeof(kCompositions) / sizeof(kCompositions[0]) / 3;
  std::size_t lo = 0, hi = n;
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    const char32_t ma = kCompositions[3 * mid], mb = kCompositions[3 * mid + 1];
    if (ma < a || (ma == a && mb < b)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < n && kCompositions[3 * lo] == a && kCompositions[3 * lo + 1] == b) return kCompositions[3 * lo + 2];
  return 0;
}

}  // namespace

std::u32string nfkc(std::u32string_view input) {
  if (std::all_of(input.begin(), input.end(), [](char32_t c) { return c < kFirstInteresting; })) {
    return std::u32string(input);
  }
  // 1. Full compatibility decomposition.
  std::u32string d;
  d.reserve(input.size() + input.size() / 4);
  for (const char32_t cp : input) decompose_into(d, cp);

  // 2. Canonical ordering: stable sort of every run of non-starters by class (runs are short: insertion).
  std::vector<std::uint8_t> rank(d.size());
  for (std::size_t i = 0; i < d.size(); ++i) rank[i] = combining_rank(d[i]);
  for (std::size_t i = 1; i < d.size(); ++i) {
    if (rank[i] == 0) continue;
    for (std::size_t j = i; j > 0 && rank[j - 1] > rank[j]; --j) {
      std::swap(d[j - 1], d[j]);
      std::swap(rank[j - 1], rank[j]);
    }
  }

  // 3. Canonical composition (UAX #15 §1.3): a character composes with the last starter unless blocked.
  std::u32string out;
  out.reserve(d.size());
  std::size_t starter = std::u32string::npos;
  int last_rank = -1;  // rank of the last character kept; -1 = nothing kept yet
  for (std::size_t i = 0; i < d.size(); ++i) {
    const char32_t c = d[i];
    const int r = rank[i];
    if (starter != std::u32string::npos && (last_rank == 0 ? out.size() - 1 == starter : last_rank < r)) {
      // Not blocked: either adjacent to the starter, or every character between has a lower class.
      const char32_t composite = compose_pair(out[starter], c);
      if (composite != 0) {
        out[starter] = composite;
        continue;
      }
    }
    if (r == 0) starter = out.size();
    last_rank = r;
    out.push_back(c);
  }
  return out;
}

std::string nfkc(std::string_view utf8) {
  if (std::all_of(utf8.begin(), utf8.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return std::string(utf8);
  }
  return encode_utf8(nfkc(decode_utf8(utf8)));
}

std::string_view nfkc_unicode_version() { return WF_NFKC_UNICODE_VERSION; }

}  // namespace wayfinder::text
