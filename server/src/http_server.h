// The network side of wayfinder-sync (Boost.Beast, async): accept, read, hand to SyncService, write.
// Invariant: Beast appears only in http_server.cpp; run() returns after a stop signal once in-flight work is done.
#pragma once

#include "sync_service.h"

namespace wayfinder::server {

// Serves until SIGTERM/SIGINT; then stops accepting, lets open requests finish (feedback included), and returns.
// `on_listening(port)` is called once the socket is bound (port 0 picks a free one).
int run_http_server(SyncService& service, const std::function<void(int)>& on_listening);

}  // namespace wayfinder::server
