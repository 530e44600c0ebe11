#include "tracker/http/http_tracker.h"

#include <memory>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "absl/strings/str_cat.h"
#include "tracker/base/access_list.h"
#include "tracker/base/asio/io_workers.h"
#include "tracker/base/asio/tls_context.h"
#include "tracker/base/clock.h"
#include "tracker/base/log.h"
#include "tracker/base/prometheus_endpoint.h"
#include "tracker/base/statistics_report.h"
#include "tracker/http/gzip_encoding.h"
#include "tracker/http/http_metrics.h"

namespace aquatic::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Request header block limit: tracker requests are a few hundred bytes.
constexpr size_t kHeaderLimit = 4096;
// Bytes buffered per connection (pipelined requests included).
constexpr size_t kBufferLimit = 16 * 1024;
constexpr auto kTlsHandshakeTimeout = std::chrono::seconds(10);
constexpr size_t kShardsPerWorker = 64;

struct SessionSettings {
  bool keep_alive = true;
  bool behind_reverse_proxy = false;
  std::string proxy_header;
  std::chrono::seconds idle_timeout{180};
  uint32_t max_connections = 4096;
};

// Everything one io_context worker owns. Only its own thread touches it.
struct Worker {
  std::unique_ptr<HttpRequestHandler> handler;
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

template <typename Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, Worker* worker, const SessionSettings* settings, Metrics* metrics,
          SocketAddress source, std::shared_ptr<asio::ssl::context> tls)
      : stream_(std::move(stream)),
        worker_(worker),
        settings_(settings),
        metrics_(metrics),
        source_(source),
        tls_(std::move(tls)),
        buffer_(kBufferLimit) {
    ++worker_->open_connections;
  }
  ~Session() { --worker_->open_connections; }

  void Start() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).expires_after(kTlsHandshakeTimeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code error) {
                                if (error) return self->Refuse();
                                self->Read();
                              });
    } else {
      Read();
    }
  }

 private:
  size_t ip_index() const { return source_.is_ipv6() ? 1 : 0; }

  void Refuse() { metrics_->Add(worker_->index, kConnectionsRefused + ip_index()); }

  void Read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // Tracker requests have no body; one is refused.
    parser_->body_limit(0);
    beast::get_lowest_layer(stream_).expires_after(settings_->idle_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code error, size_t) {
                        self->OnRead(error);
                      });
  }

  void OnRead(beast::error_code error) {
    if (error == bhttp::error::end_of_stream || error == asio::error::eof) return Close();
    if (error) {
      // Header too large, a body, a malformed request, a timeout: close.
      Refuse();
      return Close();
    }
    const auto& request = parser_->get();
    std::optional<SocketAddress> peer = source_;
    if (settings_->behind_reverse_proxy) {
      auto header = request.find(settings_->proxy_header);
      peer = header == request.end()
                 ? std::nullopt
                 : ParseForwardedFor(absl::string_view(header->value().data(),
                                                       header->value().size()));
    }
    HttpAnswer answer;
    if (request.method() != bhttp::verb::get) {
      answer = HttpAnswer{405, "only GET\n"};
    } else {
      const auto target = request.target();
      answer = worker_->handler->Handle(absl::string_view(target.data(), target.size()), peer,
                                        SecondsSinceStart());
    }
    response_.emplace(static_cast<bhttp::status>(answer.status), request.version());
    response_->set(bhttp::field::content_type, "text/plain");
    if (answer.compressible) {
      response_->set(bhttp::field::vary, "Accept-Encoding");
      const auto accept = request[bhttp::field::accept_encoding];
      if (AcceptsGzip(absl::string_view(accept.data(), accept.size()))) {
        // On a (never expected) zlib failure the plain body still goes out.
        if (absl::StatusOr<std::string> gzipped = GzipCompress(answer.body); gzipped.ok()) {
          answer.body = *std::move(gzipped);
          response_->set(bhttp::field::content_encoding, "gzip");
        }
      }
    }
    response_->keep_alive(settings_->keep_alive && request.keep_alive());
    response_->body() = std::move(answer.body);
    response_->prepare_payload();
    bhttp::async_write(stream_, *response_,
                       [self = this->shared_from_this()](beast::error_code write_error, size_t) {
                         self->OnWrite(write_error);
                       });
  }

  void OnWrite(beast::error_code error) {
    if (error || !response_->keep_alive()) return Close();
    response_.reset();
    Read();
  }

  void Close() {
    beast::error_code ignored;
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      // No TLS close_notify round trip: the connection is done either way.
      beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    } else {
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
  }

  Stream stream_;
  Worker* worker_;
  const SessionSettings* settings_;
  Metrics* metrics_;
  SocketAddress source_;
  std::shared_ptr<asio::ssl::context> tls_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
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

  void Accept(Worker* worker, Worker::Listener* listener) {
    listener->acceptor->async_accept(
        listener->peer, [this, worker, listener](beast::error_code error, tcp::socket socket) {
          if (error == asio::error::operation_aborted) return;
          if (!error) OnAccept(worker, std::move(socket), listener->peer);
          Accept(worker, listener);
        });
  }

  void OnAccept(Worker* worker, tcp::socket socket, const tcp::endpoint& remote) {
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
      using TlsStream = beast::ssl_stream<beast::tcp_stream>;
      std::make_shared<Session<TlsStream>>(TlsStream(beast::tcp_stream(std::move(socket)), *context),
                                           worker, &session_settings, metrics.get(), source,
                                           context)
          ->Start();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), worker,
                                                   &session_settings, metrics.get(), source,
                                                   nullptr)
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
  state.session_settings.proxy_header = config.network().reverse_proxy_ip_header_name();
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
    worker->handler = std::make_unique<HttpRequestHandler>(
        settings, state.engine.get(), state.access_list.get(), state.metrics.get(), i,
        (static_cast<uint64_t>(seed()) << 32) | seed());
    for (const auto& [enabled, text, port] :
         {std::tuple{listen.use_ipv4(), listen.address_ipv4(), &state.ipv4_port},
          std::tuple{listen.use_ipv6(), listen.address_ipv6(), &state.ipv6_port}}) {
      if (!enabled) continue;
      absl::StatusOr<SocketAddress> address = SocketAddress::Parse(text);
      if (!address.ok()) return address.status();
      if (i > 0 && address->port() == 0) {
        address = SocketAddress::Parse(absl::StrCat(text.substr(0, text.rfind(':')), ":", *port));
      }
      absl::StatusOr<std::unique_ptr<tcp::acceptor>> acceptor =
          OpenReusePortAcceptor(state.io->context(i), *address);
      if (!acceptor.ok()) return acceptor.status();
      if (i == 0) *port = (*acceptor)->local_endpoint().port();
      worker->listeners.push_back(
          std::make_unique<Worker::Listener>(Worker::Listener{*std::move(acceptor), {}}));
    }
    state.workers.push_back(std::move(worker));
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
