#include "tracker/ws/ws_tracker.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tracker/base/clock.h"
#include "tracker/base/log.h"
#include "tracker/base/statistics_report.h"
#include "tracker/ws/ws_metrics.h"

namespace aquatic::ws {
namespace {

// Enough shards that workers rarely meet on one lock.
constexpr size_t kShardsPerWorker = 64;
// How often a worker looks for connections past their deadline: deadlines
// are seconds, and are met at most this late.
constexpr auto kIdleSweepPeriod = std::chrono::seconds(1);

// Opens one acceptor per worker on `text`, all on one port.
absl::Status ListenFamily(const std::string& text, bool ipv6, IoWorkers& io,
                          std::vector<std::unique_ptr<WsWorker>>& workers, uint16_t* port) {
  absl::StatusOr<uint16_t> bound = OpenReusePortAcceptors(
      text, io,
      [&](size_t worker, std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor) {
        workers[worker]->listeners.push_back({std::move(acceptor), ipv6});
      });
  if (!bound.ok()) return bound.status();
  *port = *bound;
  return absl::OkStatus();
}

}  // namespace

WsTracker::WsTracker(const config::WsConfig& config) : config_(config) {}

WsTracker::~WsTracker() { Stop(); }

absl::StatusOr<std::unique_ptr<WsTracker>> WsTracker::Create(const config::WsConfig& config) {
  std::unique_ptr<WsTracker> tracker(new WsTracker(config));
  const size_t workers = WorkerCount(config.socket_workers());
  const config::WsNetworkConfig& network = config.network();
  if (!network.listen().use_ipv4() && !network.listen().use_ipv6()) {
    return absl::InvalidArgumentError("[network] use_ipv4 and use_ipv6 are both false");
  }
  tracker->engine_ = std::make_unique<WsTorrentEngine>(workers * kShardsPerWorker);
  absl::StatusOr<std::unique_ptr<AccessListHolder>> access_list =
      LoadAccessList(config.access_list());
  if (!access_list.ok()) return access_list.status();
  tracker->access_list_ = *std::move(access_list);
  if (network.tls().enable_tls()) {
    absl::StatusOr<std::unique_ptr<TlsContexts>> tls = TlsContexts::Load(
        network.tls().tls_certificate_path(), network.tls().tls_private_key_path());
    if (!tls.ok()) return tls.status();
    tracker->tls_ = *std::move(tls);
  }
  tracker->metrics_ = std::make_unique<Metrics>(WsMetricSpecs(), workers);

  WsServerSettings& server = tracker->server_settings_;
  server.max_message_size = network.websocket_max_message_size();
  server.max_frame_size = network.websocket_max_frame_size();
  server.max_connections = network.max_connections();
  server.idle_timeout_seconds = config.cleaning().max_connection_idle();
  server.health_checks = network.enable_http_health_checks();

  WsProtocolSettings protocol;
  protocol.max_scrape_torrents = config.protocol().max_scrape_torrents();
  protocol.max_offers = config.protocol().max_offers();
  protocol.peer_announce_interval = config.protocol().peer_announce_interval();

  tracker->io_ = std::make_unique<IoWorkers>(workers);
  std::random_device seed;
  for (size_t i = 0; i < workers; ++i) {
    auto worker = std::make_unique<WsWorker>();
    worker->index = i;
    worker->io = &tracker->io_->context(i);
    worker->idle_sweeper = std::make_unique<IdleSweeper>(*worker->io, kIdleSweepPeriod);
    worker->handler = std::make_unique<WsRequestHandler>(
        protocol, tracker->engine_.get(), tracker->access_list_.get(), tracker->metrics_.get(), i,
        (static_cast<uint64_t>(seed()) << 32) | seed());
    worker->settings = &tracker->server_settings_;
    worker->tls = tracker->tls_.get();
    worker->metrics = tracker->metrics_.get();
    tracker->workers_.push_back(std::move(worker));
  }
  if (network.listen().use_ipv4()) {
    absl::Status status = ListenFamily(network.listen().address_ipv4(), false, *tracker->io_,
                                       tracker->workers_, &tracker->ipv4_port_);
    if (!status.ok()) return status;
  }
  if (network.listen().use_ipv6()) {
    absl::Status status = ListenFamily(network.listen().address_ipv6(), true, *tracker->io_,
                                       tracker->workers_, &tracker->ipv6_port_);
    if (!status.ok()) return status;
  }
  tracker->statistics_ = std::make_unique<StatisticsReporter>(
      "ws", tracker->metrics_.get(),
      std::vector<StatisticsReporter::RateCounter>{{"connections accepted", kConnectionsAccepted},
                                                   {"requests announce", kAnnounceRequests},
                                                   {"requests scrape", kScrapeRequests},
                                                   {"offers relayed", kOffersRelayed},
                                                   {"answers relayed", kAnswersRelayed},
                                                   {"responses error", kErrorResponses}},
      config.statistics());
  return tracker;
}

absl::Status WsTracker::Start() {
  absl::StatusOr<std::unique_ptr<PrometheusEndpoint>> endpoint =
      StartPrometheusEndpoint(config_.statistics(), [this] { return RenderPrometheus(); });
  if (!endpoint.ok()) return endpoint.status();
  prometheus_ = *std::move(endpoint);
  for (auto& worker : workers_) {
    worker->idle_sweeper->Start();
    StartAccepting(*worker);
  }
  io_->Start();
  started_ = true;
  return absl::OkStatus();
}

void WsTracker::Stop() {
  prometheus_.reset();
  if (io_ == nullptr) return;
  io_->Stop();
  // Acceptors before their io_contexts; destroying the io_contexts destroys
  // the remaining sessions, which take their peers out of the swarms.
  // The sweepers' timers too; the sessions still Forget() themselves there.
  for (auto& worker : workers_) {
    worker->listeners.clear();
    worker->idle_sweeper->Stop();
  }
  io_.reset();
}

int64_t WsTracker::open_connections() const {
  int64_t total = 0;
  for (const auto& worker : workers_) total += worker->connections.load(std::memory_order_relaxed);
  return total;
}

void WsTracker::Clean() {
  const uint32_t now = SecondsSinceStart();
  const uint32_t max_peer_age = config_.cleaning().max_peer_age();
  const uint32_t max_offer_age = config_.cleaning().max_offer_age();
  engine_->Clean(now > max_peer_age ? now - max_peer_age : 0,
                 now > max_offer_age ? now - max_offer_age : 0);
}

void WsTracker::Reload() {
  absl::Status status = access_list_->Reload();
  if (status.ok()) {
    AQUATIC_LOG(kInfo, "access list reloaded: ", access_list_->Get()->size(), " info hashes");
  } else {
    AQUATIC_LOG(kError, "access list reload failed, keeping the old list: ", status.message());
  }
  if (tls_ != nullptr) {
    status = tls_->Reload();
    if (status.ok()) {
      AQUATIC_LOG(kInfo, "TLS certificate reloaded");
    } else {
      AQUATIC_LOG(kError, "TLS reload failed, keeping the old certificate: ", status.message());
    }
  }
}

std::string WsTracker::RenderPrometheus() const {
  std::vector<GaugeValue> gauges = SwarmGauges(engine_->Stats());
  gauges.push_back({{"aquatic_open_connections", "Open WebSocket connections.", ""},
                    static_cast<double>(open_connections())});
  return metrics_->RenderPrometheus(gauges);
}

void WsTracker::ReportStatistics() {
  std::vector<StatisticsRow> current{
      {"connections", static_cast<double>(open_connections()), -1}};
  const std::vector<StatisticsRow> swarm = SwarmStatisticsRows(engine_->Stats());
  current.insert(current.end(), swarm.begin(), swarm.end());
  statistics_->Report(current);
}

std::string WsTracker::Describe() const {
  return absl::StrCat("ws tracker serving: ipv4 port ", ipv4_port_, ", ipv6 port ", ipv6_port_,
                      config_.network().tls().enable_tls() ? " (TLS)" : "");
}

absl::Status RunWsTracker(const config::WsConfig& config) {
  return RunTrackerWithConfig<WsTracker>(config);
}

}  // namespace aquatic::ws
