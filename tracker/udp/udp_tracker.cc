#include "tracker/udp/udp_tracker.h"

#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tracker/base/clock.h"
#include "tracker/base/log.h"
#include "tracker/base/per_worker_sockets.h"
#include "tracker/base/socket_address.h"
#include "tracker/base/statistics_report.h"
#include "tracker/udp/udp_metrics.h"

namespace aquatic::udp {
namespace {

// Enough shards that workers rarely meet on one lock.
constexpr size_t kShardsPerWorker = 64;

// Binds one socket per worker for `text`, all on one port (see
// per_worker_sockets.h).
absl::Status BindFamily(const std::string& text, uint64_t recv_buffer_size, size_t workers,
                        std::vector<std::vector<int>>* fds, uint16_t* port) {
  absl::StatusOr<uint16_t> bound = OpenPerWorker(
      text, workers,
      [&](size_t worker, const SocketAddress& address) -> absl::StatusOr<uint16_t> {
        absl::StatusOr<int> fd = BindUdpSocket(address, recv_buffer_size);
        if (!fd.ok()) return fd.status();
        (*fds)[worker].push_back(*fd);
        if (worker == 0) {
          const uint64_t granted = GrantedRecvBuffer(*fd);
          if (recv_buffer_size > 0 && granted < recv_buffer_size) {
            AQUATIC_LOG(kWarn, "[network] socket_recv_buffer_size: asked for ", recv_buffer_size,
                        " bytes, the kernel granted ", granted,
                        " (raise net.core.rmem_max to get more)");
          }
        }
        return BoundPort(*fd);
      });
  if (!bound.ok()) return bound.status();
  *port = *bound;
  return absl::OkStatus();
}

}  // namespace

UdpTracker::UdpTracker(const config::UdpConfig& config) : config_(config) {}

UdpTracker::~UdpTracker() { Stop(); }

absl::StatusOr<std::unique_ptr<UdpTracker>> UdpTracker::Create(const config::UdpConfig& config) {
  std::unique_ptr<UdpTracker> tracker(new UdpTracker(config));
  tracker->worker_count_ = WorkerCount(config.socket_workers());
  const size_t workers = tracker->worker_count_;
  tracker->engine_ = std::make_unique<UdpTorrentEngine>(workers * kShardsPerWorker);
  tracker->connection_ids_ =
      std::make_unique<ConnectionIds>(config.cleaning().max_connection_age());
  absl::StatusOr<std::unique_ptr<AccessListHolder>> access_list =
      LoadAccessList(config.access_list());
  if (!access_list.ok()) return access_list.status();
  tracker->access_list_ = *std::move(access_list);
  tracker->metrics_ = std::make_unique<Metrics>(UdpMetricSpecs(), workers);

  std::vector<std::vector<int>> fds(workers);
  const config::ListenAddresses& listen = config.network().listen();
  const uint64_t recv_buffer = config.network().socket_recv_buffer_size();
  if (listen.use_ipv4()) {
    absl::Status status =
        BindFamily(listen.address_ipv4(), recv_buffer, workers, &fds, &tracker->ipv4_port_);
    if (!status.ok()) return status;
  }
  if (listen.use_ipv6()) {
    absl::Status status =
        BindFamily(listen.address_ipv6(), recv_buffer, workers, &fds, &tracker->ipv6_port_);
    if (!status.ok()) return status;
  }

  UdpProtocolSettings settings;
  settings.max_scrape_torrents = config.protocol().max_scrape_torrents();
  settings.max_response_peers = config.protocol().max_response_peers();
  settings.peer_announce_interval = config.protocol().peer_announce_interval();
  std::random_device seed;
  for (size_t i = 0; i < workers; ++i) {
    auto handler = std::make_unique<UdpRequestHandler>(
        settings, tracker->engine_.get(), tracker->connection_ids_.get(),
        tracker->access_list_.get(), tracker->metrics_.get(), i,
        (static_cast<uint64_t>(seed()) << 32) | seed());
    tracker->workers_.push_back(
        std::make_unique<UdpSocketWorker>(std::move(fds[i]), std::move(handler)));
  }
  tracker->statistics_ = std::make_unique<StatisticsReporter>(
      "udp", tracker->metrics_.get(),
      std::vector<StatisticsReporter::RateCounter>{{"requests connect", kConnectRequests},
                                                   {"requests announce", kAnnounceRequests},
                                                   {"requests scrape", kScrapeRequests},
                                                   {"responses announce", kAnnounceResponses},
                                                   {"responses error", kErrorResponses},
                                                   {"dropped", kDropped}},
      config.statistics());
  return tracker;
}

absl::Status UdpTracker::Start() {
  absl::StatusOr<std::unique_ptr<PrometheusEndpoint>> endpoint =
      StartPrometheusEndpoint(config_.statistics(), [this] { return RenderPrometheus(); });
  if (!endpoint.ok()) return endpoint.status();
  prometheus_ = *std::move(endpoint);
  for (auto& worker : workers_) {
    threads_.emplace_back([this, raw = worker.get()] { raw->Run(stop_); });
  }
  return absl::OkStatus();
}

void UdpTracker::Stop() {
  stop_ = true;
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  prometheus_.reset();
}

void UdpTracker::Clean() {
  const uint32_t now = SecondsSinceStart();
  const uint32_t max_age = config_.cleaning().max_peer_age();
  engine_->RemoveStale(now > max_age ? now - max_age : 0);
}

std::string UdpTracker::Describe() const {
  return absl::StrCat("udp tracker serving: ipv4 port ", ipv4_port_, ", ipv6 port ", ipv6_port_);
}

void UdpTracker::Reload() {
  absl::Status status = access_list_->Reload();
  if (status.ok()) {
    AQUATIC_LOG(kInfo, "access list reloaded: ", access_list_->Get()->size(), " info hashes");
  } else {
    AQUATIC_LOG(kError, "access list reload failed, keeping the old list: ", status.message());
  }
}

std::string UdpTracker::RenderPrometheus() const {
  return metrics_->RenderPrometheus(SwarmGauges(engine_->Stats()));
}

void UdpTracker::ReportStatistics() {
  statistics_->Report(SwarmStatisticsRows(engine_->Stats()));
}

absl::Status RunUdpTracker(const config::UdpConfig& config) {
  return RunTrackerWithConfig<UdpTracker>(config);
}

}  // namespace aquatic::udp
