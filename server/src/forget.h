// "Forget me": every raw row one client left on the server (its events, its batches' receipts, its sessions, its
// experiment assignments, its credential record and its "uncounted" mark) deleted in one transaction. The community counts already merged are aggregates over many
// learners and stay (docs/SERVER.md, "Forget me"). Invariant: idempotent — a second call deletes nothing and answers
// the same shape.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "db.h"

namespace wayfinder::server {

// The per-client tables, in deletion order.
inline constexpr const char* kForgetTables[] = {"user_interactions", "feedback_batches",  "user_sessions",
                                                "user_ab_assignment", "client_credentials", "uncounted_clients"};

// Deletes the client's rows; → {"deleted": {table: rows, ...}} with every table named (0 when nothing was left).
nlohmann::json forget_client(Database& db, const std::string& client_id);

// How many rows of each per-client table belong to the client (for tests and the answer's shape).
std::vector<std::pair<std::string, std::int64_t>> client_row_counts(Database& db, const std::string& client_id);

}  // namespace wayfinder::server
