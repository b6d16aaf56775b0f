// Version of the core library and of the formats it reads and writes.
// Bumped on any change a client or server must notice.
#pragma once

namespace wayfinder {
inline constexpr const char* kCoreVersion = "0.1.0";
}  // namespace wayfinder
