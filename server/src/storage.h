// The server's SQLite file: WAL mode, numbered schema migrations, the seed's tables plus batches/snapshots/alerts.
// Invariant: after open_storage() the schema is at kSchemaVersion and every migration ran in its own transaction.
#pragma once

#include <cstdint>
#include <string>

#include "db.h"

namespace wayfinder::server {

inline constexpr int kSchemaVersion = 6;

// Opens (creating if needed) and migrates. `synchronous_full`: fsync every commit (a 200 survives power loss).
Database open_storage(const std::string& path, bool synchronous_full = true);
int schema_version(Database& db);

// Ids of user_interactions follow commit order, which the merge's watermark relies on ("every row with id <= W is
// visible"). SQLite has one writer at a time, so it holds there. On PostgreSQL many writers draw ids from one
// sequence and commit in any order, so each ingest transaction holds a shared advisory lock (begin_ingest, right
// after BEGIN) and committed_watermark() takes it exclusively for an instant: no ingest transaction is open then,
// so max(id) has no uncommitted id below it.
void begin_ingest(Database& db);
std::int64_t committed_watermark(Database& db);

std::int64_t now_unix_ms();

}  // namespace wayfinder::server
