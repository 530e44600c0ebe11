#include "tracker/api/api_front_end.h"

#include <chrono>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "absl/strings/match.h"
#include "tracker/server/http/http_exchange.h"
#include "tracker/server/idle_sweeper.h"
#include "tracker/server/protocol.h"

namespace aquatic::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;

using Socket = TcpSocket;
using TlsStream = asio::ssl::stream<Socket>;

// API requests are a line and a few headers (a token among them).
constexpr size_t kHeaderLimit = 8192;
constexpr size_t kBufferLimit = 16 * 1024;
constexpr size_t kReadSize = 4096;
constexpr auto kIdleTimeout = std::chrono::seconds(30);

struct Shared {
  std::unique_ptr<ApiHandler> handler;
  std::vector<IdleSweeper*> sweepers;
};

// One HTTP/1.1 connection: a request, its answer, and the next request on
// the same connection when the client keeps it. Requests are answered one
// at a time (an API client does not pipeline); bad framing closes.
template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>>,
                private IdleSweeper::Entry {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(Stream stream, Shared* shared, IdleSweeper* sweeper, ConnectionSlot slot,
          std::shared_ptr<asio::ssl::context> tls)
      : tls_(std::move(tls)),
        stream_(std::move(stream)),
        shared_(shared),
        sweeper_(sweeper),
        slot_(std::move(slot)),
        buffer_(kBufferLimit),
        parser_("", kHeaderLimit) {
    sweeper_->Watch(this);
  }
  ~Session() override { sweeper_->Forget(this); }

  void Start() {
    sweeper_->SetTimeout(this, kIdleTimeout);
    if constexpr (kTls) {
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code error) {
                                if (error) return self->Close();
                                self->AnswerBuffered();
                              });
    } else {
      AnswerBuffered();
    }
  }

 private:
  Socket& socket() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  void Close() {
    beast::error_code ignored;
    socket().close(ignored);
  }

  void OnIdleTimeout() override { Close(); }

  void AnswerBuffered() {
    size_t consumed = 0;
    const auto status = parser_.Parse(
        absl::string_view(static_cast<const char*>(buffer_.data().data()), buffer_.size()),
        &consumed);
    if (status == http::RequestHeadParser::Status::kInvalid) {
      // Malformed, too long, or with a body (no endpoint takes one).
      return Reply(http::ResponseHead{400}, R"({"error":"bad request"})", false);
    }
    if (status == http::RequestHeadParser::Status::kNeedMore) return ReadMore();
    buffer_.consume(consumed);
    const http::RequestHead& request = parser_.head();
    ApiAnswer answer = shared_->handler->Handle(request);
    http::ResponseHead head;
    head.status = answer.status;
    head.content_type = answer.content_type;
    head.version = request.version;
    head.keep_alive = request.keep_alive;
    parser_.Reset();
    Reply(head, answer.body, head.keep_alive);
  }

  void ReadMore() {
    const size_t room = std::min(kReadSize, buffer_.max_size() - buffer_.size());
    if (room == 0) return Close();
    stream_.async_read_some(buffer_.prepare(room), [self = this->shared_from_this()](
                                                       beast::error_code error, size_t n) {
      if (error) return self->Close();
      self->buffer_.commit(n);
      self->AnswerBuffered();
    });
  }

  void Reply(http::ResponseHead head, absl::string_view body, bool keep_alive) {
    head.keep_alive = keep_alive;
    out_.clear();
    http::AppendResponse(head, body, &out_);
    asio::async_write(stream_, asio::buffer(out_),
                      [self = this->shared_from_this(), keep_alive](beast::error_code error,
                                                                    size_t) {
                        if (error || !keep_alive) return self->Close();
                        self->sweeper_->SetTimeout(self.get(), kIdleTimeout);
                        self->AnswerBuffered();
                      });
  }

  // Before stream_, which refers to it.
  std::shared_ptr<asio::ssl::context> tls_;
  Stream stream_;
  Shared* shared_;
  IdleSweeper* sweeper_;
  ConnectionSlot slot_;
  beast::flat_buffer buffer_;
  http::RequestHeadParser parser_;
  std::string out_;
};

}  // namespace

struct ApiFrontEnd::State {
  config::ListenAddresses listen;
  Shared shared;
};

config::ListenAddresses ApiListenAddresses(const config::ApiConfig& config) {
  config::ListenAddresses listen;
  const bool ipv6 = absl::StartsWith(config.address(), "[");
  listen.set_use_ipv4(!ipv6);
  listen.set_use_ipv6(ipv6);
  if (ipv6) {
    listen.set_address_ipv6(config.address());
  } else {
    listen.set_address_ipv4(config.address());
  }
  return listen;
}

ApiFrontEnd::ApiFrontEnd() : state_(std::make_unique<State>()) {}
ApiFrontEnd::~ApiFrontEnd() = default;

absl::StatusOr<std::unique_ptr<ApiFrontEnd>> ApiFrontEnd::Create(Runtime& runtime,
                                                                 const config::ApiConfig& config) {
  std::unique_ptr<ApiFrontEnd> front_end(new ApiFrontEnd());
  State& state = *front_end->state_;
  state.listen = ApiListenAddresses(config);
  Options options;
  options.name = "api";
  options.scheme = "http";
  options.tls_scheme = "https";
  options.table = "api";
  options.tls_section = "[api]";
  options.listen = &state.listen;
  options.tls = &config.tls();
  // An operator's tools, not a crowd.
  options.max_connections = 64;
  if (absl::Status status = front_end->Init(runtime, options); !status.ok()) return status;
  state.shared.handler = std::make_unique<ApiHandler>(&runtime, config);
  for (size_t i = 0; i < runtime.io().size(); ++i) {
    state.shared.sweepers.push_back(front_end->sweeper(i));
  }
  return front_end;
}

void ApiFrontEnd::Accept(size_t worker, Socket socket, const SocketAddress&,
                         ConnectionSlot slot) {
  Shared* shared = &state_->shared;
  if (tls()) {
    std::shared_ptr<asio::ssl::context> context = tls()->Current();
    std::make_shared<Session<TlsStream>>(TlsStream(std::move(socket), *context), shared,
                                         shared->sweepers[worker], std::move(slot), context)
        ->Start();
  } else {
    std::make_shared<Session<Socket>>(std::move(socket), shared, shared->sweepers[worker],
                                      std::move(slot), nullptr)
        ->Start();
  }
}

namespace {

absl::StatusOr<std::unique_ptr<FrontEnd>> MakeApiFrontEnd(Runtime& runtime) {
  const config::ApiConfig& config = runtime.config().api();
  if (!config.enabled()) return nullptr;
  absl::StatusOr<std::unique_ptr<ApiFrontEnd>> front_end = ApiFrontEnd::Create(runtime, config);
  if (!front_end.ok()) return front_end.status();
  return std::unique_ptr<FrontEnd>(*std::move(front_end));
}

AQUATIC_REGISTER_SHARED_FRONT_END(Api, MakeApiFrontEnd);

}  // namespace

}  // namespace aquatic::api
