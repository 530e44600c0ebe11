#include "tracker/ws/ws_front_end.h"

#include <chrono>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tracker/base/log.h"

namespace aquatic::ws {
namespace {

// How often a worker looks for connections past their deadline: deadlines
// are seconds, and are met at most this late.
constexpr auto kIdleSweepPeriod = std::chrono::seconds(1);

}  // namespace

WsFrontEnd::~WsFrontEnd() { Stop(); }

absl::StatusOr<std::unique_ptr<WsFrontEnd>> WsFrontEnd::Create(
    Runtime& runtime, const config::WsFrontEndConfig& config) {
  std::unique_ptr<WsFrontEnd> front_end(new WsFrontEnd());
  IoWorkers& io = runtime.io();
  const size_t workers = io.size();
  const config::WsNetworkConfig& network = config.network();
  if (network.tls().enable_tls()) {
    absl::StatusOr<std::unique_ptr<TlsContexts>> tls = TlsContexts::Load(
        network.tls().tls_certificate_path(), network.tls().tls_private_key_path());
    if (!tls.ok()) return tls.status();
    front_end->tls_ = *std::move(tls);
  }
  front_end->counters_ = std::make_unique<Counters<WsCounter>>(workers);

  WsServerSettings& server = front_end->server_settings_;
  server.max_message_size = network.websocket_max_message_size();
  server.max_frame_size = network.websocket_max_frame_size();
  server.idle_timeout_seconds = runtime.config().cleaning().max_connection_idle();
  server.health_checks = network.enable_http_health_checks();

  WsProtocolSettings protocol;
  protocol.max_scrape_torrents = config.protocol().max_scrape_torrents();
  protocol.max_offers = config.protocol().max_offers();
  protocol.peer_announce_interval = config.protocol().peer_announce_interval();

  std::random_device seed;
  for (size_t i = 0; i < workers; ++i) {
    auto worker = std::make_unique<WsWorker>();
    worker->io = &io.context(i);
    worker->idle_sweeper = std::make_unique<IdleSweeper>(*worker->io, kIdleSweepPeriod);
    worker->counters = front_end->counters_->ForWorker(i);
    worker->handler = std::make_unique<WsRequestHandler>(
        protocol, &runtime.swarms().webtorrent(), runtime.access_list(), worker->counters,
        (static_cast<uint64_t>(seed()) << 32) | seed());
    worker->settings = &front_end->server_settings_;
    worker->tls = front_end->tls_.get();
    front_end->workers_.push_back(std::move(worker));
  }
  TcpServer::Options options;
  options.max_connections = network.max_connections();
  WsFrontEnd* raw = front_end.get();
  absl::StatusOr<std::unique_ptr<TcpServer>> tcp = TcpServer::Listen(
      io, "ws", network.listen(), options,
      [raw](size_t worker, TcpSocket socket, const SocketAddress& peer, ConnectionSlot slot) {
        StartSession(*raw->workers_[worker], std::move(socket), peer, std::move(slot));
      });
  if (!tcp.ok()) return tcp.status();
  front_end->tcp_ = *std::move(tcp);
  return front_end;
}

absl::Status WsFrontEnd::Start() {
  for (auto& worker : workers_) worker->idle_sweeper->Start();
  tcp_->Start();
  return absl::OkStatus();
}

void WsFrontEnd::Stop() {
  // The io workers are stopped: acceptors and timers close from this thread.
  // The sessions still Forget() themselves in the sweepers when the io
  // contexts release them.
  if (tcp_ != nullptr) tcp_->Stop();
  for (auto& worker : workers_) worker->idle_sweeper->Stop();
}

void WsFrontEnd::Reload() {
  if (tls_ == nullptr) return;
  absl::Status status = tls_->Reload();
  if (status.ok()) {
    AQUATIC_LOG(kInfo, "ws: TLS certificate reloaded");
  } else {
    AQUATIC_LOG(kError, "ws: TLS reload failed, keeping the old certificate: ", status.message());
  }
}

std::string WsFrontEnd::Describe() const {
  return absl::StrCat(tls_ ? "wss" : "ws", " on ", tcp_->DescribeAddresses());
}

void WsFrontEnd::AddMetrics(PrometheusText* text) const {
  constexpr absl::string_view kLabel = "protocol=\"ws\"";
  text->AddCounters(counters_->table(), kLabel);
  text->AddCounters(tcp_->counters().table(), kLabel);
  text->AddGauge("aquatic_open_connections", "Open TCP connections.", kLabel,
                 static_cast<double>(tcp_->open_connections()));
}

std::vector<StatisticsReporter::RateCounter> WsFrontEnd::StatisticsRates() const {
  const CounterTable* table = &counters_->table();
  auto rate = [table](const char* label, WsCounter counter) {
    return StatisticsReporter::RateCounter{label, table, static_cast<size_t>(counter)};
  };
  return {{"connections accepted", &tcp_->counters().table(),
           static_cast<size_t>(TcpCounter::kAccepted)},
          rate("requests announce", WsCounter::kAnnounceRequests),
          rate("requests scrape", WsCounter::kScrapeRequests),
          rate("offers relayed", WsCounter::kOffersRelayed),
          rate("answers relayed", WsCounter::kAnswersRelayed),
          rate("responses error", WsCounter::kErrorResponses)};
}

std::vector<StatisticsRow> WsFrontEnd::CurrentStatistics() const {
  return {{"connections", static_cast<double>(tcp_->open_connections()), -1}};
}

}  // namespace aquatic::ws
