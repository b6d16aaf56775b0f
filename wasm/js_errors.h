// The one way the WASM bindings report bad input: run an entry point, turn any C++ exception into a JS Error.
// Invariant: the JS Error's message is "<where>: <what()>" (JSON errors: "<where>: invalid JSON: ...").
#pragma once

#include <emscripten/val.h>

#include <exception>
#include <nlohmann/json.hpp>
#include <string>

namespace wayfinder::wasm {

// Emscripten 3.1.6 hands an escaping C++ exception to JS as a bare pointer. The JS Error is thrown after the
// catch blocks have ended, so no C++ temporaries (and no exception object) are alive when JS unwinds the frame.
template <class F>
auto js_errors(const char* where, F&& f) -> decltype(f()) {
  emscripten::val error = emscripten::val::undefined();
  try {
    return f();
  } catch (const nlohmann::json::exception& e) {
    error = emscripten::val::global("Error").new_(emscripten::val(std::string(where) + ": invalid JSON: " + e.what()));
  } catch (const std::exception& e) {
    error = emscripten::val::global("Error").new_(emscripten::val(std::string(where) + ": " + e.what()));
  }
  error.throw_();
}

}  // namespace wayfinder::wasm
