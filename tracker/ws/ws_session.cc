#include "tracker/ws/ws_session.h"

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "absl/strings/str_cat.h"
#include "tracker/base/clock.h"
#include "tracker/base/log.h"
#include "tracker/server/websocket/batched_write_stream.h"
#include "tracker/server/websocket/frame_limited_stream.h"

namespace aquatic::ws {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

// Sockets bound to the worker's io_context executor type: Asio's type-erased
// any_io_executor (and Beast's tcp_stream around it) costs copies and
// indirect calls on every operation. Timeouts are the IdleSweeper's.
using Socket = TcpSocket;

constexpr size_t kMaxHttpHeaderBytes = 8192;
// Room for Beast's pongs and close frame beyond the outgoing messages.
constexpr size_t kControlFrameAllowance = 64 * 1024;

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // On the session's thread: queue `message` for sending.
  virtual void Enqueue(std::string message) = 0;
};

// The connection handle stored in swarms: posts to the connection's
// io_context, where the session (if still alive) queues the message. Holds
// the session weakly, so a swarm entry never keeps a connection open.
class Sink final : public swarm::WsPeerSink {
 public:
  Sink(net::io_context::executor_type executor, std::weak_ptr<SessionBase> session)
      : executor_(std::move(executor)), session_(std::move(session)) {}

  void Deliver(std::string message) override {
    net::post(executor_, [session = session_, message = std::move(message)]() mutable {
      if (std::shared_ptr<SessionBase> live = session.lock()) live->Enqueue(std::move(message));
    });
  }

 private:
  net::io_context::executor_type executor_;
  std::weak_ptr<SessionBase> session_;
};

// One connection: `Transport` is Socket (ws://) or beast::ssl_stream<Socket>
// (wss://); the WebSocket stream reads it through a FrameLimitedStream.
// Deadlines (handshake, idle, closing) are kept by the worker's IdleSweeper.
template <typename Transport>
class Session final : public SessionBase,
                      public std::enable_shared_from_this<Session<Transport>>,
                      private IdleSweeper::Entry {
 public:
  static constexpr bool kTls = !std::is_same_v<Transport, Socket>;

  Session(WsWorker& worker, bool ipv6, Socket socket, ConnectionSlot slot)
      : worker_(worker), ipv6_(ipv6), slot_(std::move(slot)), ws_(std::move(socket)) {
    Opened();
  }
  Session(WsWorker& worker, bool ipv6, Socket socket, ConnectionSlot slot,
          std::shared_ptr<net::ssl::context> tls_context)
      : worker_(worker),
        ipv6_(ipv6),
        slot_(std::move(slot)),
        tls_context_(std::move(tls_context)),
        ws_(std::move(socket), *tls_context_) {
    Opened();
  }

  ~Session() override {
    worker_.idle_sweeper->Forget(this);
    worker_.handler->HandleClose(state_, SecondsSinceStart());
  }

  void Start() {
    // Once Beast tears the connection down (after a close handshake, or a
    // read it failed), the client has the handshake timeout to go away.
    Batched().SetOwner(this->weak_from_this(),
                       [this] { SetTimeout(worker_.settings->handshake_timeout_seconds); });
    // Until the WebSocket handshake is done: TLS, the HTTP request, the reply.
    SetTimeout(worker_.settings->handshake_timeout_seconds);
    if constexpr (kTls) {
      Batched().next_layer().async_handshake(
          net::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
            if (!ec) self->ReadHttp();
          });
    } else {
      ReadHttp();
    }
  }

  void Enqueue(std::string message) override {
    if (closing_) return;
    const WsServerSettings& settings = *worker_.settings;
    // Messages and bytes not yet written to the socket, in the queue or
    // under Beast (buffered for the next flush, or being flushed).
    if (queue_.size() + Batched().buffered_writes() >= settings.max_queued_messages ||
        queued_bytes_ + Batched().buffered_bytes() + message.size() >
            settings.max_queued_bytes) {
      Count(WsCounter::kSlowReaderDisconnects);
      AQUATIC_LOG(kDebug, "ws: closing a connection whose outgoing queue is full");
      Abort();
      return;
    }
    queued_bytes_ += message.size();
    queue_.push_back(std::move(message));
    if (!writing_) DoWrite();
  }

 private:
  void Opened() {
    state_.ipv6 = ipv6_;
    worker_.idle_sweeper->Watch(this);
  }

  void SetTimeout(uint32_t seconds) {
    worker_.idle_sweeper->SetTimeout(this, std::chrono::seconds(seconds));
  }

  // Past a deadline: closing the socket fails the pending operations, whose
  // handlers end the session.
  void OnIdleTimeout() override { Abort(); }

  BatchedWriteStream<Transport>& Batched() { return ws_.next_layer().next_layer(); }

  void Count(WsCounter counter) { worker_.counters.Add(counter, IpIndex(ipv6_)); }

  void ReadHttp() {
    parser_.emplace();
    parser_->header_limit(kMaxHttpHeaderBytes);
    parser_->body_limit(0);
    http::async_read(ws_.next_layer(), buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       if (!ec) self->OnHttpRequest();
                     });
  }

  void OnHttpRequest() {
    const http::request<http::empty_body>& request = parser_->get();
    if (websocket::is_upgrade(request)) {
      Accept(request);
      return;
    }
    const bool health = worker_.settings->health_checks && request.method() == http::verb::get &&
                        request.target() == "/health";
    response_.emplace(health ? http::status::ok : http::status::bad_request, request.version());
    response_->set(http::field::server, "aquatic-cpp");
    response_->set(http::field::content_type, "text/plain");
    response_->body() = health ? "ok\n" : "expected a WebSocket upgrade\n";
    response_->keep_alive(false);
    response_->prepare_payload();
    if (health) Count(WsCounter::kHealthChecks);
    http::async_write(ws_.next_layer(), *response_,
                      [self = this->shared_from_this()](beast::error_code, size_t) {
                        beast::error_code ignored;
                        beast::get_lowest_layer(self->ws_).shutdown(tcp::socket::shutdown_send,
                                                                    ignored);
                      });
  }

  void Accept(const http::request<http::empty_body>& request) {
    const WsServerSettings& settings = *worker_.settings;
    const auto target = request.target();
    state_.SetKeyFromTarget(absl::string_view(target.data(), target.size()));
    // Beast's own timeouts stay off (its default): they re-arm a timer on
    // every read; the sweeper's deadlines cover the same ground.
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& response) {
          response.set(http::field::server, "aquatic-cpp");
        }));
    ws_.read_message_max(settings.max_message_size);
    // Incoming frames: Beast has no per-frame limit, the layer below checks.
    ws_.next_layer().LimitFrames(settings.max_frame_size);
    // Outgoing messages of one event-loop turn go out in one write. The
    // session bounds what it buffers (Enqueue); the layer's own bound, a
    // little higher, catches control frames to a peer that does not read.
    Batched().BatchWrites(settings.max_queued_bytes + kControlFrameAllowance);
    // Outgoing messages go out in frames of at most max_frame_size bytes.
    ws_.auto_fragment(true);
    ws_.write_buffer_bytes(settings.max_frame_size);
    ws_.async_accept(request, [self = this->shared_from_this()](beast::error_code ec) {
      if (!ec) self->OnAccepted();
    });
  }

  void OnAccepted() {
    SetTimeout(worker_.settings->idle_timeout_seconds);
    parser_.reset();
    state_.sink = std::make_shared<Sink>(worker_.io->get_executor(),
                                         std::weak_ptr<SessionBase>(this->shared_from_this()));
    DoRead();
  }

  void DoRead() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      self->OnRead(ec);
    });
  }

  void OnRead(beast::error_code ec) {
    // Closed by the peer, a message over read_message_max (Beast closes with
    // 1009), a frame over max_frame_size (the transport fails), or Abort() (a
    // deadline passed, the outgoing queue overflowed). Beast leaves a failed
    // stream's socket open, and a write pending to a peer that stopped reading
    // would keep the session alive: close the socket so that the session ends
    // now.
    if (ec) {
      Abort();
      return;
    }
    // Every message reaches Beast labelled binary (frame_size_guard.h); the
    // layer below knows what the client sent.
    if (!ws_.next_layer().MessageWasText()) {
      return CloseWith(websocket::close_code::unknown_data, WsCounter::kBinaryMessageCloses);
    }
    const auto data = buffer_.cdata();
    const absl::string_view text(static_cast<const char*>(data.data()), data.size());
    replies_.clear();
    if (worker_.handler->HandleMessage(text, state_, SecondsSinceStart(), &replies_) ==
        WsMessageOutcome::kInvalidUtf8) {
      return CloseWith(websocket::close_code::bad_payload, WsCounter::kInvalidUtf8Closes);
    }
    buffer_.consume(buffer_.size());
    // Idle means no message from the client for max_connection_idle.
    SetTimeout(worker_.settings->idle_timeout_seconds);
    for (std::string& reply : replies_) Enqueue(std::move(reply));
    replies_.clear();
    if (!closing_) DoRead();
  }

  // Closes the WebSocket with `code` after a message the protocol forbids.
  void CloseWith(websocket::close_code code, WsCounter counter) {
    Count(counter);
    closing_ = true;
    // The client has this long to answer the close frame.
    SetTimeout(worker_.settings->handshake_timeout_seconds);
    ws_.async_close(websocket::close_reason(code),
                    [self = this->shared_from_this()](beast::error_code) {});
  }

  void DoWrite() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front()),
                    [self = this->shared_from_this()](beast::error_code ec, size_t) {
                      self->OnWrite(ec);
                    });
  }

  void OnWrite(beast::error_code ec) {
    writing_ = false;
    if (ec) {
      Abort();
      return;
    }
    Count(WsCounter::kMessagesSent);
    queued_bytes_ -= queue_.front().size();
    queue_.pop_front();
    if (!closing_ && !queue_.empty()) DoWrite();
  }

  // Closes the socket: pending operations fail and the session ends.
  void Abort() {
    closing_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).close(ignored);
  }

  WsWorker& worker_;
  const bool ipv6_;
  ConnectionSlot slot_;
  // Before ws_: the stream refers to it.
  std::shared_ptr<net::ssl::context> tls_context_;
  websocket::stream<FrameLimitedStream<BatchedWriteStream<Transport>>> ws_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  WsConnectionState state_;
  std::vector<std::string> replies_;
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;
};

}  // namespace

void StartSession(WsWorker& worker, Socket socket, const SocketAddress& peer,
                  ConnectionSlot slot) {
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (worker.tls != nullptr) {
    std::make_shared<Session<beast::ssl_stream<Socket>>>(worker, peer.is_ipv6(), std::move(socket),
                                                         std::move(slot), worker.tls->Current())
        ->Start();
  } else {
    std::make_shared<Session<Socket>>(worker, peer.is_ipv6(), std::move(socket), std::move(slot))
        ->Start();
  }
}

}  // namespace aquatic::ws
