#include "wayfinder/index/bm25.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>

#include "wayfinder/random/det_math.h"
#include "wayfinder/float_bits.h"
#include "wayfinder/varint.h"

namespace wayfinder::index {
namespace {

using wayfinder::bits_float;
using wayfinder::float_bits;

bool is_alnum(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

constexpr std::string_view kStopWords[] = {"a",  "an", "and", "are", "as",   "at",   "be",   "by",  "for", "from",
                                           "in", "is", "it",  "of",  "on",   "or",   "that", "the", "this", "to",
                                           "with"};

bool is_stop(std::string_view t) {
  return std::find(std::begin(kStopWords), std::end(kStopWords), t) != std::end(kStopWords);
}

// Latin-1 Supplement letters U+00C0..U+00FF folded to ASCII ("" = not a letter).
constexpr const char* kLatin1Fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  //
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",  //
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  //
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

// Normalises to a string where every word character is ASCII alnum, '+', '#', '.', or a kept non-ASCII byte,
// and separators are ' '.
std::string fold(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c - 'A' + 'a'));
      else if (is_alnum(c) || c == '+' || c == '#' || c == '.') out.push_back(static_cast<char>(c));
      else out.push_back(' ');
      ++i;
      continue;
    }
    std::size_t len = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : (c >= 0xC0) ? 2 : 1;
    if (i + len > text.size()) len = text.size() - i;
    std::uint32_t cp = 0;
    if (len == 2) cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
    if (len == 3) {
      cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
    }
    if (len == 2 && cp >= 0xC0 && cp <= 0xFF && kLatin1Fold[cp - 0xC0][0] != '\0') {
      out += kLatin1Fold[cp - 0xC0];
    } else if ((len == 2 && cp >= 0x80 && cp < 0xC0) || (len == 3 && cp >= 0x2000 && cp < 0x2070) ||
               (len == 3 && cp >= 0x3000 && cp < 0x3040) || len == 1) {
      out.push_back(' ');  // punctuation, symbols, stray bytes
    } else {
      out.append(text.substr(i, len));  // other scripts: kept as word characters
    }
    i += len;
  }
  return out;
}

bool is_word(unsigned char c) { return is_alnum(c) || c >= 0x80; }

void put_u32(std::vector<std::byte>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::byte>(v >> (8 * i)));
}

// A fixed 4-byte little-endian field (k1, b: float bits).
std::uint32_t read_u32(VarintReader& r, const char* what) {
  const auto t = r.text(4, what);
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= std::uint32_t(static_cast<unsigned char>(t[i])) << (8 * i);
  return v;
}

}  // namespace

std::vector<std::string> analyze(std::string_view text) {
  const std::string s = fold(text);
  std::vector<std::string> tokens;
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    const bool leading_dot = c == '.' && i + 1 < n && is_word(static_cast<unsigned char>(s[i + 1])) &&
                             (i == 0 || !is_word(static_cast<unsigned char>(s[i - 1])));
    if (!is_word(c) && !leading_dot) {
      ++i;
      continue;
    }
    std::size_t j = leading_dot ? i + 1 : i;
    while (j < n && is_word(static_cast<unsigned char>(s[j]))) ++j;
    // Keep the suffix of c++ / c# / f# -style names when the symbol run ends the token.
    if (j + 1 < n + 1 && j < n && s[j] == '#' && (j + 1 == n || !is_word(static_cast<unsigned char>(s[j + 1])))) {
      ++j;
    } else if (j + 1 < n && s[j] == '+' && s[j + 1] == '+' &&
               (j + 2 == n || !is_word(static_cast<unsigned char>(s[j + 2])))) {
      j += 2;
    }
    std::string t = s.substr(i, j - i);
    if (!is_stop(t)) tokens.push_back(std::move(t));
    i = j;
  }
  return tokens;
}

std::string bm25_document_text(const ProjectMeta& p) {
  std::string text;
  const std::string& name = p.full_name.empty() ? p.id : p.full_name;
  text += name;  // "owner/repo": the analyzer splits it into owner and repo words
  text += ' ';
  text += p.description;
  for (const auto& t : p.topics) (text += ' ') += t;
  for (const auto& c : p.categories) (text += ' ') += c;
  (text += ' ') += p.language;
  return text;
}

Bm25Index Bm25Index::build(std::span<const ProjectMeta> projects, Bm25Params params) {
  Bm25Index idx;
  idx.params_ = params;
  std::map<std::string, std::vector<std::pair<std::uint32_t, std::uint32_t>>> postings;
  std::uint64_t total = 0;
  for (std::uint32_t d = 0; d < projects.size(); ++d) {
    auto toks = analyze(bm25_document_text(projects[d]));
    idx.doc_len_.push_back(static_cast<std::uint32_t>(toks.size()));
    total += toks.size();
    std::sort(toks.begin(), toks.end());
    for (std::size_t i = 0; i < toks.size();) {
      std::size_t j = i;
      while (j < toks.size() && toks[j] == toks[i]) ++j;
      postings[toks[i]].emplace_back(d, static_cast<std::uint32_t>(j - i));
      i = j;
    }
  }
  idx.avg_doc_len_ = projects.empty() ? 0.0f : static_cast<float>(static_cast<double>(total) / projects.size());
  idx.term_begin_.push_back(0);
  for (auto& [term, list] : postings) {
    idx.terms_.push_back(term);
    for (auto [d, tf] : list) {
      idx.post_doc_.push_back(d);
      idx.post_tf_.push_back(tf);
    }
    idx.term_begin_.push_back(static_cast<std::uint32_t>(idx.post_doc_.size()));
  }
  return idx;
}

// Compact form (shard format 6, docs/SHARD-FORMAT.md "BM25 section"): varints throughout, in streams that each
// hold one kind of number — document lengths, document frequencies, the front-coded terms, the document gaps of
// every postings list, the term frequencies — so that brotli on the wire sees similar bytes together.
std::vector<std::byte> Bm25Index::serialize() const {
  std::vector<std::byte> out;
  put_varint(out, doc_len_.size());
  put_varint(out, terms_.size());
  put_varint(out, post_doc_.size());
  put_u32(out, float_bits(params_.k1));
  put_u32(out, float_bits(params_.b));
  for (auto v : doc_len_) put_varint(out, v);
  for (std::size_t t = 0; t < terms_.size(); ++t) put_varint(out, term_begin_[t + 1] - term_begin_[t]);
  for (std::size_t t = 0; t < terms_.size(); ++t) {
    const std::string_view prev = t == 0 ? std::string_view{} : terms_[t - 1], cur = terms_[t];
    std::size_t shared = 0;
    while (shared < prev.size() && shared < cur.size() && prev[shared] == cur[shared]) ++shared;
    put_varint(out, shared);
    put_varint(out, cur.size() - shared);
    for (char c : cur.substr(shared)) out.push_back(static_cast<std::byte>(c));
  }
  for (std::size_t t = 0; t < terms_.size(); ++t) {
    std::uint64_t next = 0;  // the smallest doc id the list may hold next
    for (auto p = term_begin_[t]; p < term_begin_[t + 1]; ++p) {
      put_varint(out, post_doc_[p] - next);
      next = std::uint64_t{post_doc_[p]} + 1;
    }
  }
  for (auto v : post_tf_) put_varint(out, v);
  return out;
}

namespace {

constexpr std::string_view kSection = "bm25 section";

// The front-coded terms: each shares a prefix with the one before and must sort strictly after it.
std::vector<std::string> read_terms(VarintReader& r, std::uint32_t terms) {
  std::vector<std::string> out;
  out.reserve(terms);
  for (std::uint32_t t = 0; t < terms; ++t) {
    const auto shared = r.u64("term prefix");
    const auto len = r.u64("term length");
    if (len == 0 || (t > 0 && shared > out.back().size()) || (t == 0 && shared != 0)) {
      r.bad("term " + std::to_string(t) + " is empty or shares more than the term before");
    }
    std::string term = t == 0 ? std::string{} : out.back().substr(0, shared);
    term += r.text(len, "term bytes");
    if (t > 0 && !(out.back() < term)) r.bad("terms are not sorted and unique at " + std::to_string(t));
    out.push_back(std::move(term));
  }
  return out;
}

}  // namespace

void Bm25Index::read_postings(VarintReader& r, std::uint32_t posts) {
  const std::uint32_t docs = static_cast<std::uint32_t>(doc_len_.size());
  post_doc_.resize(posts);
  post_tf_.resize(posts);
  for (std::size_t t = 0; t + 1 < term_begin_.size(); ++t) {
    std::uint64_t next = 0;
    for (auto p = term_begin_[t]; p < term_begin_[t + 1]; ++p) {
      const auto doc = next + r.u64("postings docs");
      if (doc >= docs) r.bad("postings of term " + std::to_string(t) + " are invalid");
      post_doc_[p] = static_cast<std::uint32_t>(doc);
      next = doc + 1;
    }
  }
  for (std::uint32_t p = 0; p < posts; ++p) {
    post_tf_[p] = r.u32("postings term frequencies");
    if (post_tf_[p] == 0 || post_tf_[p] > doc_len_[post_doc_[p]]) r.bad("postings term frequencies are invalid");
  }
}

Bm25Index Bm25Index::parse(std::span<const std::byte> bytes) {
  VarintReader r{bytes, kSection};
  Bm25Index idx;
  const std::uint32_t docs = r.count("doc count");
  const std::uint32_t terms = r.count("term count");
  const std::uint32_t posts = r.count("postings count");
  idx.params_.k1 = bits_float(read_u32(r, "k1"));
  idx.params_.b = bits_float(read_u32(r, "b"));
  if (!(idx.params_.k1 >= 0.0f && idx.params_.k1 < 100.0f) || !(idx.params_.b >= 0.0f && idx.params_.b <= 1.0f)) {
    r.bad("has invalid k1/b");
  }
  idx.doc_len_.resize(docs);
  std::uint64_t total = 0;
  for (auto& l : idx.doc_len_) total += (l = r.u32("doc lengths"));
  idx.avg_doc_len_ = docs == 0 ? 0.0f : static_cast<float>(static_cast<double>(total) / docs);
  idx.term_begin_.assign(1, 0);
  for (std::uint32_t t = 0; t < terms; ++t) {
    const auto df = r.u64("document frequencies");
    if (df == 0 || df > posts - idx.term_begin_.back()) r.bad("document frequencies do not add up to the postings");
    idx.term_begin_.push_back(idx.term_begin_.back() + static_cast<std::uint32_t>(df));
  }
  if (idx.term_begin_.back() != posts) r.bad("document frequencies do not add up to the postings");
  idx.terms_ = read_terms(r, terms);
  idx.read_postings(r, posts);
  if (!r.done()) r.bad("has bytes after its postings");
  return idx;
}

std::ptrdiff_t Bm25Index::find_term(std::string_view term) const {
  const auto it = std::lower_bound(terms_.begin(), terms_.end(), term,
                                   [](const std::string& a, std::string_view b) { return std::string_view(a) < b; });
  if (it == terms_.end() || *it != term) return -1;
  return it - terms_.begin();
}

std::size_t Bm25Index::document_frequency(std::string_view term) const {
  const auto t = find_term(term);
  return t < 0 ? 0 : term_begin_[t + 1] - term_begin_[t];
}

std::span<const std::uint32_t> Bm25Index::documents_with(std::string_view term) const {
  const auto t = find_term(term);
  if (t < 0) return {};
  return std::span(post_doc_).subspan(term_begin_[t], term_begin_[t + 1] - term_begin_[t]);
}

bool Bm25Index::contains(std::string_view term, std::uint32_t doc) const {
  const auto t = find_term(term);
  if (t < 0) return false;
  return std::binary_search(post_doc_.begin() + term_begin_[t], post_doc_.begin() + term_begin_[t + 1], doc);
}

void Bm25Index::score_terms(std::span<const std::string> terms, std::span<float> out) const {
  if (out.size() != doc_len_.size()) throw std::invalid_argument("bm25 score output size != doc count");
  std::fill(out.begin(), out.end(), 0.0f);
  std::vector<std::string> uniq(terms.begin(), terms.end());
  std::sort(uniq.begin(), uniq.end());
  uniq.erase(std::unique(uniq.begin(), uniq.end()), uniq.end());
  const double n = static_cast<double>(doc_len_.size());
  const float k1 = params_.k1, b = params_.b;
  const float avg = avg_doc_len_ > 0.0f ? avg_doc_len_ : 1.0f;
  for (const auto& term : uniq) {
    const auto t = find_term(term);
    if (t < 0) continue;
    const double df = term_begin_[t + 1] - term_begin_[t];
    // det_log, not std::log: libm and emscripten's libc may differ in the last bit, and scores must match.
    const float idf = static_cast<float>(random::det_log(1.0 + (n - df + 0.5) / (df + 0.5)));
    for (std::uint32_t p = term_begin_[t]; p < term_begin_[t + 1]; ++p) {
      const float tf = static_cast<float>(post_tf_[p]);
      const float norm = k1 * (1.0f - b + b * static_cast<float>(doc_len_[post_doc_[p]]) / avg);
      out[post_doc_[p]] += idf * (tf * (k1 + 1.0f)) / (tf + norm);
    }
  }
}

std::vector<float> Bm25Index::score(std::string_view query) const {
  std::vector<float> out(doc_len_.size());
  const auto terms = analyze(query);
  score_terms(terms, out);
  return out;
}

}  // namespace wayfinder::index
