#include "tracker/http/http_tracker.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <random>
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
#include "tracker/base/access_list.h"
#include "tracker/server/idle_sweeper.h"
#include "tracker/server/io_workers.h"
#include "tracker/server/tls_context.h"
#include "tracker/base/clock.h"
#include "tracker/base/log.h"
#include "tracker/base/prometheus_endpoint.h"
#include "tracker/base/statistics_report.h"
#include "tracker/http/gzip_encoding.h"
#include "tracker/http/http_exchange.h"
#include "tracker/http/http_metrics.h"

namespace aquatic::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// Sockets bound to the worker's io_context executor type: Asio's type-erased
// any_io_executor costs a virtual dispatch and copies per operation.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using TlsStream = asio::ssl::stream<Socket>;

// Request header block limit: tracker requests are a few hundred bytes.
constexpr size_t kHeaderLimit = 4096;
// Bytes buffered per connection (pipelined requests included).
constexpr size_t kBufferLimit = 16 * 1024;
// Bytes asked of the kernel per read.
constexpr size_t kReadSize = 4096;
constexpr auto kTlsHandshakeTimeout = std::chrono::seconds(10);
// How late an idle connection may be closed at most.
constexpr auto kIdleSweepPeriod = std::chrono::seconds(1);
constexpr size_t kShardsPerWorker = 64;

struct SessionSettings {
  bool keep_alive = true;
  bool behind_reverse_proxy = false;
  // The reverse-proxy address header; set only when behind a proxy.
  std::string proxy_header;
  std::chrono::seconds idle_timeout{180};
  uint32_t max_connections = 4096;
};

// Everything one io_context worker owns. Only its own thread touches it.
struct Worker {
  std::unique_ptr<HttpRequestHandler> handler;
  std::unique_ptr<IdleSweeper> idle_sweeper;
  struct Listener {
    std::unique_ptr<tcp::acceptor> acceptor;
    // Filled by accept(2) itself, which saves a getpeername(2) per connection.
    tcp::endpoint peer;
  };
  // Stable addresses: a pending accept refers to its Listener.
  std::vector<std::unique_ptr<Listener>> listeners;
  uint32_t open_connections = 0;
  size_t index = 0;
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

  Session(Stream stream, Worker* worker, const SessionSettings* settings, Metrics* metrics,
          SocketAddress source, std::shared_ptr<asio::ssl::context> tls)
      : stream_(std::move(stream)),
        worker_(worker),
        settings_(settings),
        metrics_(metrics),
        source_(source),
        tls_(std::move(tls)),
        buffer_(kBufferLimit),
        parser_(settings->proxy_header, kHeaderLimit) {
    ++worker_->open_connections;
    worker_->idle_sweeper->Watch(this);
  }
  ~Session() override {
    worker_->idle_sweeper->Forget(this);
    --worker_->open_connections;
  }

  void Start() {
    if constexpr (kTls) {
      worker_->idle_sweeper->SetTimeout(this, kTlsHandshakeTimeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code error) {
                                if (error) return self->Refuse();
                                self->AwaitRequest();
                              });
    } else {
      beast::error_code error;
      // Non-blocking, so that a send tried at once returns EAGAIN instead of
      // blocking when the socket buffer is full.
      socket().non_blocking(true, error);
      if (error) return Refuse();
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

  // Closes the connection and counts it as refused: bad input, a timeout.
  void Refuse() {
    // Once: after an idle timeout the pending operation fails as well.
    if (!refused_) metrics_->Add(worker_->index, kConnectionsRefused + ip_index());
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
    Refuse();
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
    if (room == 0) return Refuse();
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
    if (refuse_after_write_) return Refuse();
    ReadMore();
  }

  // Appends the answer to one request; false when the connection closes
  // after it.
  bool AppendAnswer(const RequestHead& request) {
    std::optional<SocketAddress> peer = source_;
    if (settings_->behind_reverse_proxy) {
      peer = request.forwarded_for ? ParseForwardedFor(*request.forwarded_for) : std::nullopt;
    }
    HttpAnswer answer = request.is_get ? worker_->handler->Handle(request.target, peer,
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
    if (refuse_after_write_) return Refuse();
    if (close_after_write_) return Close();
    // A pipelined request may be (partly) buffered already; AnswerBuffered
    // reads on when no complete one is.
    worker_->idle_sweeper->SetTimeout(this, settings_->idle_timeout);
    AnswerBuffered();
  }

  Stream stream_;
  Worker* worker_;
  const SessionSettings* settings_;
  Metrics* metrics_;
  SocketAddress source_;
  std::shared_ptr<asio::ssl::context> tls_;
  beast::flat_buffer buffer_;
  RequestHeadParser parser_;
  // The responses of one write.
  std::string out_;
  bool close_after_write_ = false;
  bool refuse_after_write_ = false;
  bool refused_ = false;
};

}  // namespace

struct HttpTracker::State {
  config::HttpConfig config;
  SessionSettings session_settings;
  std::unique_ptr<HttpTorrentEngine> engine;
  std::unique_ptr<AccessListHolder> access_list;
  std::unique_ptr<TlsContexts> tls;
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<IoWorkers> io;
  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<PrometheusEndpoint> prometheus;
  uint16_t ipv4_port = 0;
  uint16_t ipv6_port = 0;
  std::unique_ptr<StatisticsReporter> statistics;

  ~State() {
    // Asio objects go before their io_context; the Worker structs stay until
    // after it, for the sessions its destruction releases.
    if (io) io->Stop();
    for (auto& worker : workers) {
      worker->listeners.clear();
      if (worker->idle_sweeper) worker->idle_sweeper->Stop();
    }
    io.reset();
  }

  void Accept(Worker* worker, Worker::Listener* listener) {
    // Sockets for the worker's own executor type (see Socket).
    listener->acceptor->async_accept(
        io->context(worker->index).get_executor(), listener->peer,
        [this, worker, listener](beast::error_code error, Socket socket) {
          if (error == asio::error::operation_aborted) return;
          if (!error) OnAccept(worker, std::move(socket), listener->peer);
          Accept(worker, listener);
        });
  }

  void OnAccept(Worker* worker, Socket socket, const tcp::endpoint& remote) {
    beast::error_code error;
    const SocketAddress source = SocketAddress::FromSockaddr(remote.data(), remote.size());
    const size_t ip_index = source.is_ipv6() ? 1 : 0;
    if (worker->open_connections >= session_settings.max_connections) {
      metrics->Add(worker->index, kConnectionsRefused + ip_index);
      return;  // the socket closes when it goes out of scope
    }
    metrics->Add(worker->index, kConnectionsAccepted + ip_index);
    // Nagle's algorithm could hold back a second write (a pipelined response,
    // a TLS session ticket) until the client's delayed ACK. A plain
    // one-request connection writes once and closes: no need for the call.
    if (tls || session_settings.keep_alive) socket.set_option(tcp::no_delay(true), error);
    if (tls) {
      std::shared_ptr<asio::ssl::context> context = tls->Current();
      std::make_shared<Session<TlsStream>>(TlsStream(std::move(socket), *context), worker,
                                           &session_settings, metrics.get(), source, context)
          ->Start();
    } else {
      std::make_shared<Session<Socket>>(std::move(socket), worker, &session_settings,
                                        metrics.get(), source, nullptr)
          ->Start();
    }
  }
};

HttpTracker::~HttpTracker() { Stop(); }

absl::StatusOr<std::unique_ptr<HttpTracker>> HttpTracker::Create(
    const config::HttpConfig& config) {
  std::unique_ptr<HttpTracker> tracker(new HttpTracker());
  tracker->state_ = std::make_unique<State>();
  State& state = *tracker->state_;
  state.config = config;
  const size_t workers = WorkerCount(config.socket_workers());
  state.session_settings.keep_alive = config.network().keep_alive();
  state.session_settings.behind_reverse_proxy = config.network().runs_behind_reverse_proxy();
  if (state.session_settings.behind_reverse_proxy) {
    state.session_settings.proxy_header = config.network().reverse_proxy_ip_header_name();
  }
  state.session_settings.idle_timeout =
      std::chrono::seconds(config.cleaning().max_connection_idle());
  state.session_settings.max_connections = config.network().max_connections();
  state.engine = std::make_unique<HttpTorrentEngine>(workers * kShardsPerWorker);

  absl::StatusOr<std::unique_ptr<AccessListHolder>> access_list =
      LoadAccessList(config.access_list());
  if (!access_list.ok()) return access_list.status();
  state.access_list = *std::move(access_list);
  if (config.network().tls().enable_tls()) {
    absl::StatusOr<std::unique_ptr<TlsContexts>> tls =
        TlsContexts::Load(config.network().tls().tls_certificate_path(),
                          config.network().tls().tls_private_key_path());
    if (!tls.ok()) return tls.status();
    state.tls = *std::move(tls);
  }
  state.metrics = std::make_unique<Metrics>(HttpMetricSpecs(), workers);
  state.io = std::make_unique<IoWorkers>(workers);

  HttpProtocolSettings settings;
  settings.max_scrape_torrents = config.protocol().max_scrape_torrents();
  settings.max_response_peers = config.protocol().max_response_peers();
  settings.peer_announce_interval = config.protocol().peer_announce_interval();
  settings.enable_full_scrape = config.protocol().enable_full_scrape();
  std::random_device seed;
  const config::ListenAddresses& listen = config.network().listen();
  for (size_t i = 0; i < workers; ++i) {
    auto worker = std::make_unique<Worker>();
    worker->index = i;
    worker->idle_sweeper = std::make_unique<IdleSweeper>(state.io->context(i), kIdleSweepPeriod);
    worker->handler = std::make_unique<HttpRequestHandler>(
        settings, state.engine.get(), state.access_list.get(), state.metrics.get(), i,
        (static_cast<uint64_t>(seed()) << 32) | seed());
    state.workers.push_back(std::move(worker));
  }
  // Each worker's acceptors, all of one address on one port.
  for (const auto& [enabled, text, port] :
       {std::tuple{listen.use_ipv4(), listen.address_ipv4(), &state.ipv4_port},
        std::tuple{listen.use_ipv6(), listen.address_ipv6(), &state.ipv6_port}}) {
    if (!enabled) continue;
    absl::StatusOr<uint16_t> bound = OpenReusePortAcceptors(
        text, *state.io, [&state](size_t worker, std::unique_ptr<tcp::acceptor> acceptor) {
          state.workers[worker]->listeners.push_back(
              std::make_unique<Worker::Listener>(Worker::Listener{std::move(acceptor), {}}));
        });
    if (!bound.ok()) return bound.status();
    *port = *bound;
  }
  state.statistics = std::make_unique<StatisticsReporter>(
      "http", state.metrics.get(),
      std::vector<StatisticsReporter::RateCounter>{{"requests announce", kAnnounceRequests},
                                                   {"requests scrape", kScrapeRequests},
                                                   {"responses failure", kFailureResponses},
                                                   {"connections", kConnectionsAccepted}},
      config.statistics());
  return tracker;
}

absl::Status HttpTracker::Start() {
  State& state = *state_;
  absl::StatusOr<std::unique_ptr<PrometheusEndpoint>> endpoint =
      StartPrometheusEndpoint(state.config.statistics(), [this] { return RenderPrometheus(); });
  if (!endpoint.ok()) return endpoint.status();
  state.prometheus = *std::move(endpoint);
  for (auto& worker : state.workers) {
    for (auto& listener : worker->listeners) state.Accept(worker.get(), listener.get());
    worker->idle_sweeper->Start();
  }
  state.io->Start();
  return absl::OkStatus();
}

void HttpTracker::Stop() {
  if (!state_) return;
  // Create may have failed before the workers existed.
  if (state_->io) state_->io->Stop();
  state_->prometheus.reset();
}

void HttpTracker::Clean() {
  const uint32_t now = SecondsSinceStart();
  const uint32_t max_age = state_->config.cleaning().max_peer_age();
  state_->engine->RemoveStale(now > max_age ? now - max_age : 0);
}

void HttpTracker::Reload() {
  absl::Status status = state_->access_list->Reload();
  if (!status.ok()) {
    AQUATIC_LOG(kError, "access list reload failed, keeping the old list: ", status.message());
  }
  if (state_->tls) {
    status = state_->tls->Reload();
    if (!status.ok()) {
      AQUATIC_LOG(kError, "TLS reload failed, keeping the old certificate: ", status.message());
    }
  }
}

uint16_t HttpTracker::ipv4_port() const { return state_->ipv4_port; }
uint16_t HttpTracker::ipv6_port() const { return state_->ipv6_port; }
uint16_t HttpTracker::prometheus_port() const {
  return state_->prometheus ? state_->prometheus->port() : 0;
}
const Metrics& HttpTracker::metrics() const { return *state_->metrics; }
HttpTorrentEngine& HttpTracker::engine() { return *state_->engine; }

std::string HttpTracker::RenderPrometheus() const {
  return state_->metrics->RenderPrometheus(SwarmGauges(state_->engine->Stats()));
}

std::string HttpTracker::Describe() const {
  return absl::StrCat("http tracker serving: ipv4 port ", state_->ipv4_port, ", ipv6 port ",
                      state_->ipv6_port, state_->tls ? " (TLS)" : "");
}

void HttpTracker::ReportStatistics() {
  state_->statistics->Report(SwarmStatisticsRows(state_->engine->Stats()));
}

absl::Status RunHttpTracker(const config::HttpConfig& config) {
  return RunTrackerWithConfig<HttpTracker>(config);
}

}  // namespace aquatic::http
