// Embind surface of the text layer: NFKC, the USE-lite tokenizer, and the texts projects/profiles are embedded from.
// JS API (module = await createWayfinderCore()):
//   const tok = core.Tokenizer.fromVocabJson(vocabJsonString);  // owned by JS: call tok.delete() when done
//   tok.encode(text)    -> Int32Array (a copy), at most Tokenizer.kMaxTokens = 128 ids
//   tok.encodeAll(text) -> Int32Array (a copy), the uncapped ids (exactly the JS reference tokenizer's output)
//   tok.vocabSize()     -> number;   core.tokenizerMaxTokens() -> 128
//   core.nfkc(text) -> string (== text.normalize('NFKC')); core.nfkcUnicodeVersion() -> e.g. "17.0"
//   core.projectText(catalogRowJson) -> string;  core.profileQueryText(profileJson) -> string
//
// ERROR CONVENTION (copy it into other bind files): every entry point runs its body inside `js_errors(name, f)`.
// Emscripten 3.1.6 with -fexceptions hands an escaping C++ exception to JS as a bare number (a pointer), so
// the message would be lost. js_errors catches std::exception in C++, and throws a plain JS `Error` whose
// message is "<name>: <what()>" (e.g. "Tokenizer.fromVocabJson: vocab.json entry 13: score must be a number
// or null"), so JS callers use ordinary try/catch and read err.message. The JS throw unwinds through wasm
// without running C++ destructors, so js_errors first moves the message into the JS Error and frees every
// C++ string: nothing leaks but the error's emval handle. Pinned by tests/text/bind_text.test.mjs (Node 20).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wayfinder/catalog/project.h"
#include "wayfinder/profile.h"
#include "wayfinder/text/embedding_text.h"
#include "wayfinder/text/nfkc.h"
#include "wayfinder/text/tokenizer.h"

#include "js_errors.h"

namespace {

using emscripten::val;
namespace wt = wayfinder::text;

using wayfinder::wasm::js_errors;

val to_int32_array(const std::vector<std::int32_t>& ids) {
  // The view is taken after every allocation and copied at once: memory growth cannot invalidate it.
  return val::global("Int32Array").new_(val(emscripten::typed_memory_view(ids.size(), ids.data())));
}

wt::Tokenizer tokenizer_from_vocab_json(const std::string& json) {
  return js_errors("Tokenizer.fromVocabJson", [&] { return wt::Tokenizer::from_vocab_json(json); });
}

val tokenizer_encode(const wt::Tokenizer& t, const std::string& text) {
  return js_errors("Tokenizer.encode", [&] { return to_int32_array(t.encode(text)); });
}

val tokenizer_encode_all(const wt::Tokenizer& t, const std::string& text) {
  return js_errors("Tokenizer.encodeAll", [&] { return to_int32_array(t.encode_all(text)); });
}

std::size_t tokenizer_vocab_size(const wt::Tokenizer& t) { return t.vocab_size(); }
std::size_t tokenizer_max_tokens() { return wt::Tokenizer::kMaxTokens; }

std::string nfkc_js(const std::string& text) {
  return js_errors("nfkc", [&] { return wt::nfkc(std::string_view(text)); });
}

std::string nfkc_unicode_version_js() { return std::string(wt::nfkc_unicode_version()); }

std::string project_text_js(const std::string& row_json) {
  return js_errors("projectText", [&] {
    wayfinder::ProjectMeta p;
    from_json(nlohmann::json::parse(row_json), p);
    return wt::project_text(p);
  });
}

std::string profile_query_text_js(const std::string& profile_json) {
  return js_errors("profileQueryText", [&] {
    wayfinder::Profile p;
    from_json(nlohmann::json::parse(profile_json), p);
    return wt::profile_query_text(p);
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(wayfinder_text) {
  emscripten::class_<wt::Tokenizer>("Tokenizer")
      .class_function("fromVocabJson", &tokenizer_from_vocab_json)
      .function("encode", &tokenizer_encode)
      .function("encodeAll", &tokenizer_encode_all)
      .function("vocabSize", &tokenizer_vocab_size);
  emscripten::function("tokenizerMaxTokens", &tokenizer_max_tokens);
  emscripten::function("nfkc", &nfkc_js);
  emscripten::function("nfkcUnicodeVersion", &nfkc_unicode_version_js);
  emscripten::function("projectText", &project_text_js);
  emscripten::function("profileQueryText", &profile_query_text_js);
}
