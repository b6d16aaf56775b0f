// The server's SQLite file: WAL mode, numbered schema migrations, the seed's tables plus batches/snapshots/alerts.
// Invariant: after open_storage() the schema is at kSchemaVersion and every migration ran in its own transaction.
#pragma once

#include <cstdint>
#include <string>

#include "sqlite_db.h"

namespace wayfinder::server {

inline constexpr int kSchemaVersion = 4;

// Opens (creating if needed) and migrates. `synchronous_full`: fsync every commit (a 200 survives power loss).
Database open_storage(const std::string& path, bool synchronous_full = true);
int schema_version(Database& db);

std::int64_t now_unix_ms();

}  // namespace wayfinder::server
