// The WebSocket sessions of the WebTorrent front-end: one per connection the
// kit's TcpServer accepted (TLS handshake, an HTTP request that is either GET
// /health or the WebSocket upgrade, then the message loop). Beast lives only
// in ws_session.cc.
//
// Threading: everything of a worker (acceptors, sessions, handler) runs on
// that worker's io_context thread. Messages for a connection from other
// workers (offers, answers) arrive through its WsPeerSink, which posts them
// to the connection's io_context; the session appends them to a bounded
// outgoing queue and closes the connection when the queue is full.
#ifndef AQUATIC_TRACKER_WS_WS_SESSION_H_
#define AQUATIC_TRACKER_WS_WS_SESSION_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "tracker/base/metrics.h"
#include "tracker/base/socket_address.h"
#include "tracker/server/idle_sweeper.h"
#include "tracker/server/tcp_server.h"
#include "tracker/server/tls_context.h"
#include "tracker/ws/ws_handler.h"
#include "tracker/ws/ws_metrics.h"

namespace aquatic::ws {

struct WsServerSettings {
  uint32_t max_message_size = 65536;
  uint32_t max_frame_size = 16384;
  uint32_t idle_timeout_seconds = 180;
  uint32_t handshake_timeout_seconds = 10;
  bool health_checks = false;
  // The outgoing queue of a connection: more messages waiting for Beast, or
  // more bytes waiting for Beast or for the socket, than this and the
  // connection is closed (a peer that does not read).
  size_t max_queued_messages = 64;
  size_t max_queued_bytes = 4 << 20;
};

// One socket worker's state. Lives until its io_context is destroyed.
struct WsWorker {
  boost::asio::io_context* io = nullptr;
  std::unique_ptr<WsRequestHandler> handler;
  const WsServerSettings* settings = nullptr;
  // Null for plain ws://.
  const TlsContexts* tls = nullptr;
  WorkerCounters<WsCounter> counters;
  // Handshake, idle and closing deadlines of the worker's connections.
  IdleSweeper* idle_sweeper = nullptr;
};

// Starts the session of a connection `worker` accepted, on its thread.
void StartSession(WsWorker& worker, TcpSocket socket, const SocketAddress& peer,
                  ConnectionSlot slot);

}  // namespace aquatic::ws

#endif  // AQUATIC_TRACKER_WS_WS_SESSION_H_
