// Embind surface of the core for the JS package (web/). Every object handed to JS is owned by the
// package and deleted by it; functions take and return plain values or typed arrays copied out.
#include <emscripten/bind.h>

#include <string>

#include "wayfinder/version.h"

namespace {
std::string core_version() { return wayfinder::kCoreVersion; }
}  // namespace

EMSCRIPTEN_BINDINGS(wayfinder_version) {
  emscripten::function("coreVersion", &core_version);
}
