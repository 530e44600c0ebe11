#include "tracker/http/http_front_end.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "absl/strings/str_cat.h"
#include "tracker/base/fast_random.h"
#include "tracker/base/clock.h"
#include "tracker/http/gzip_encoding.h"
#include "tracker/server/http/http_exchange.h"
#include "tracker/http/request_handler.h"
#include "tracker/server/idle_sweeper.h"
#include "tracker/server/tls_context.h"

namespace aquatic::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

using Socket = TcpSocket;
using TlsStream = asio::ssl::stream<Socket>;

// Request header block limit: tracker requests are a few hundred bytes.
constexpr size_t kHeaderLimit = 4096;
// Bytes buffered per connection (pipelined requests included).
constexpr size_t kBufferLimit = 16 * 1024;
// Bytes asked of the kernel per read.
constexpr size_t kReadSize = 4096;
constexpr auto kTlsHandshakeTimeout = std::chrono::seconds(10);

struct SessionSettings {
  bool keep_alive = true;
  bool behind_reverse_proxy = false;
  // The reverse-proxy address header; set only when behind a proxy.
  std::string proxy_header;
  std::chrono::seconds idle_timeout{180};
};

// Everything one io_context worker owns. Only its own thread touches it.
struct Worker {
  std::unique_ptr<HttpRequestHandler> handler;
  IdleSweeper* idle_sweeper = nullptr;
  WorkerCounters<HttpCounter> counters;
};

// One HTTP/1.1 connection: reads request heads, answers each with one
// buffer, keeps the connection for the next request when both sides want it.
//
// Plain TCP sends each response with one non-blocking send, falling back to
// an asynchronous write only when the socket buffer is full.
template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>>,
                private IdleSweeper::Entry {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(Stream stream, Worker* worker, const SessionSettings* settings, SocketAddress source,
          ConnectionSlot slot, std::shared_ptr<asio::ssl::context> tls)
      : tls_(std::move(tls)),
        stream_(std::move(stream)),
        worker_(worker),
        settings_(settings),
        source_(source),
        slot_(std::move(slot)),
        buffer_(kBufferLimit),
        parser_(settings->proxy_header, kHeaderLimit) {
    worker_->idle_sweeper->Watch(this);
  }
  ~Session() override { worker_->idle_sweeper->Forget(this); }

  void Start() {
    if constexpr (kTls) {
      // A handshake dribbled a byte at a time is closed like an idle
      // connection, or sooner.
      worker_->idle_sweeper->SetTimeout(this,
                                        std::min<std::chrono::steady_clock::duration>(
                                            kTlsHandshakeTimeout, settings_->idle_timeout));
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code error) {
                                if (error) return self->Refuse(HttpCounter::kBadRequestCloses);
                                self->AwaitRequest();
                              });
    } else {
      beast::error_code error;
      // Non-blocking, so that a send tried at once returns EAGAIN instead of
      // blocking when the socket buffer is full.
      socket().non_blocking(true, error);
      if (error) return Close();
      // Tracker clients send their request right after connecting: the first
      // read, tried at once, usually finds it.
      AwaitRequest();
    }
  }

 private:
  size_t ip_index() const { return source_.is_ipv6() ? 1 : 0; }
  Socket& socket() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  // Closes the connection for bad input or a timeout, and counts why.
  void Refuse(HttpCounter reason) {
    // Once: after an idle timeout the pending operation fails as well.
    if (!refused_) worker_->counters.Add(reason, ip_index());
    refused_ = true;
    Close();
  }

  void Close() {
    beast::error_code ignored;
    // Close at once: a pending operation completes (cancelled) and releases
    // the session. No shutdown(2) first: close sends the FIN all the same,
    // and for TLS there is no close_notify round trip (the connection is
    // done either way).
    socket().close(ignored);
  }

  void OnIdleTimeout() override {
    // Closing completes the pending operation, which ends the session.
    Refuse(HttpCounter::kTimeoutCloses);
  }

  // Waits for the next request with the idle timeout running.
  void AwaitRequest() {
    worker_->idle_sweeper->SetTimeout(this, settings_->idle_timeout);
    ReadMore();
  }

  void ReadMore() {
    const size_t room = std::min(kReadSize, buffer_.max_size() - buffer_.size());
    // The header limit is below the buffer limit: a buffer this full holds no
    // request the parser can still accept.
    if (room == 0) return Refuse(HttpCounter::kBadRequestCloses);
    // Asio (1.81) tries the read at once and waits for epoll only when it
    // finds nothing: on a keep-alive connection that is one recv returning
    // EAGAIN per request. Waiting first (async_wait) would cost an epoll_ctl
    // instead.
    stream_.async_read_some(buffer_.prepare(room), [self = this->shared_from_this()](
                                                       beast::error_code error, size_t n) {
      if (error) return self->Close();
      self->buffer_.commit(n);
      self->AnswerBuffered();
    });
  }

  // Answers every complete request in the buffer (pipelining) with one
  // write, or reads on when there is none yet.
  void AnswerBuffered() {
    out_.clear();
    while (!close_after_write_) {
      size_t consumed = 0;
      const auto status = parser_.Parse(
          absl::string_view(static_cast<const char*>(buffer_.data().data()), buffer_.size()),
          &consumed);
      if (status == RequestHeadParser::Status::kNeedMore) break;
      if (status == RequestHeadParser::Status::kInvalid) {
        // Malformed, over the header limit, or with a body. Requests before
        // it still get their answers.
        refuse_after_write_ = close_after_write_ = true;
        break;
      }
      buffer_.consume(consumed);
      if (!AppendAnswer(parser_.head())) close_after_write_ = true;
      parser_.Reset();
    }
    if (!out_.empty()) return Write();
    if (refuse_after_write_) return Refuse(HttpCounter::kBadRequestCloses);
    ReadMore();
  }

  // Appends the answer to one request; false when the connection closes
  // after it.
  bool AppendAnswer(const RequestHead& request) {
    std::optional<SocketAddress> peer = source_;
    if (settings_->behind_reverse_proxy) {
      peer = request.forwarded_for ? ParseForwardedFor(*request.forwarded_for) : std::nullopt;
    }
    HttpAnswer answer = request.is_get() ? worker_->handler->Handle(request.target, peer,
                                                                  SecondsSinceStart())
                                       : HttpAnswer{405, "only GET\n"};
    ResponseHead response;
    response.status = answer.status;
    response.version = request.version;
    response.keep_alive = settings_->keep_alive && request.keep_alive;
    response.vary_accept_encoding = answer.compressible;
    if (answer.compressible && AcceptsGzip(request.accept_encoding)) {
      // On a (never expected) zlib failure the plain body still goes out.
      if (absl::StatusOr<std::string> gzipped = GzipCompress(answer.body); gzipped.ok()) {
        answer.body = *std::move(gzipped);
        response.gzip = true;
      }
    }
    AppendResponse(response, answer.body, &out_);
    return response.keep_alive;
  }

  void Write() {
    if constexpr (kTls) {
      asio::async_write(stream_, asio::buffer(out_),
                        [self = this->shared_from_this()](beast::error_code error, size_t) {
                          self->OnWritten(error);
                        });
    } else {
      // Responses are small: the socket buffer almost always takes them
      // whole, at once.
      beast::error_code error;
      const size_t sent = socket().write_some(asio::buffer(out_), error);
      if (!error && sent == out_.size()) return OnWritten(error);
      if (error && error != asio::error::would_block && error != asio::error::try_again) {
        return Close();
      }
      asio::async_write(socket(), asio::buffer(out_.data() + sent, out_.size() - sent),
                        [self = this->shared_from_this()](beast::error_code write_error, size_t) {
                          self->OnWritten(write_error);
                        });
    }
  }

  void OnWritten(beast::error_code error) {
    if (error) return Close();
    if (refuse_after_write_) return Refuse(HttpCounter::kBadRequestCloses);
    if (close_after_write_) return Close();
    // A pipelined request may be (partly) buffered already; AnswerBuffered
    // reads on when no complete one is.
    worker_->idle_sweeper->SetTimeout(this, settings_->idle_timeout);
    AnswerBuffered();
  }

  // Before stream_, which refers to it.
  std::shared_ptr<asio::ssl::context> tls_;
  Stream stream_;
  Worker* worker_;
  const SessionSettings* settings_;
  SocketAddress source_;
  ConnectionSlot slot_;
  beast::flat_buffer buffer_;
  RequestHeadParser parser_;
  // The responses of one write.
  std::string out_;
  bool close_after_write_ = false;
  bool refuse_after_write_ = false;
  bool refused_ = false;
};

}  // namespace

struct HttpFrontEnd::State {
  SessionSettings session_settings;
  // Stable addresses: sessions refer to their worker.
  std::vector<std::unique_ptr<Worker>> workers;
};

HttpFrontEnd::HttpFrontEnd() : state_(std::make_unique<State>()) {}
HttpFrontEnd::~HttpFrontEnd() = default;

absl::StatusOr<std::unique_ptr<HttpFrontEnd>> HttpFrontEnd::Create(
    Runtime& runtime, const config::HttpFrontEndConfig& config, absl::string_view table) {
  std::unique_ptr<HttpFrontEnd> front_end(new HttpFrontEnd());
  const size_t workers = runtime.io().size();
  front_end->counters_ = std::make_unique<Counters<HttpCounter>>(workers);
  Options options;
  options.name = "http";
  options.table = std::string(table);
  options.scheme = "http";
  options.tls_scheme = "https";
  options.listen = &config.network().listen();
  options.tls = &config.network().tls();
  options.max_connections = config.network().max_connections();
  // Behind a reverse proxy every connection comes from the proxy.
  options.max_connections_per_ip = config.network().runs_behind_reverse_proxy()
                                       ? 0
                                       : runtime.config().limits().max_connections_per_ip();
  options.counters = &front_end->counters_->table();
  if (absl::Status status = front_end->Init(runtime, options); !status.ok()) return status;

  State& state = *front_end->state_;
  state.session_settings.keep_alive = config.network().keep_alive();
  if (config.network().runs_behind_reverse_proxy()) {
    state.session_settings.behind_reverse_proxy = true;
    state.session_settings.proxy_header = config.network().reverse_proxy_ip_header_name();
  }
  state.session_settings.idle_timeout =
      std::chrono::seconds(runtime.config().cleaning().max_connection_idle());
  HttpProtocolSettings settings;
  settings.max_scrape_torrents = config.protocol().max_scrape_torrents();
  settings.max_response_peers = config.protocol().max_response_peers();
  settings.peer_announce_interval = config.protocol().peer_announce_interval();
  settings.enable_full_scrape = config.protocol().enable_full_scrape();
  for (size_t i = 0; i < workers; ++i) {
    auto worker = std::make_unique<Worker>();
    worker->idle_sweeper = front_end->sweeper(i);
    worker->counters = front_end->counters_->ForWorker(i);
    worker->handler = std::make_unique<HttpRequestHandler>(
        settings, &runtime.swarms().ip<swarm::PeerIdData>(), runtime.access_list(),
        worker->counters, RandomSeed(), runtime.admission());
    state.workers.push_back(std::move(worker));
  }
  return front_end;
}

void HttpFrontEnd::Accept(size_t index, Socket socket, const SocketAddress& source,
                          ConnectionSlot slot) {
  Worker* worker = state_->workers[index].get();
  const SessionSettings* settings = &state_->session_settings;
  beast::error_code error;
  // Nagle's algorithm could hold back a second write (a pipelined response,
  // a TLS session ticket) until the client's delayed ACK. A plain
  // one-request connection writes once and closes: no need for the call.
  if (tls() || settings->keep_alive) socket.set_option(tcp::no_delay(true), error);
  if (tls()) {
    std::shared_ptr<asio::ssl::context> context = tls()->Current();
    std::make_shared<Session<TlsStream>>(TlsStream(std::move(socket), *context), worker,
                                         settings, source, std::move(slot), context)
        ->Start();
  } else {
    std::make_shared<Session<Socket>>(std::move(socket), worker, settings, source,
                                      std::move(slot), nullptr)
        ->Start();
  }
}

std::vector<StatisticsReporter::RateCounter> HttpFrontEnd::StatisticsRates() const {
  const CounterTable* table = &counters_->table();
  return {{"requests announce", table, static_cast<size_t>(HttpCounter::kAnnounceRequests)},
          {"requests scrape", table, static_cast<size_t>(HttpCounter::kScrapeRequests)},
          {"responses failure", table, static_cast<size_t>(HttpCounter::kFailureResponses)},
          {"connections", &tcp().counters().table(), static_cast<size_t>(TcpCounter::kAccepted)}};
}

std::optional<RequestTotals> HttpFrontEnd::Totals() const {
  return TcpTotals("tcp", counters_->table(), static_cast<size_t>(HttpCounter::kAnnounceRequests),
                   static_cast<size_t>(HttpCounter::kScrapeRequests));
}

}  // namespace aquatic::http
