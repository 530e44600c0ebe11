#include "tracker/udp/udp_front_end.h"

#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "tracker/base/fast_random.h"
#include "absl/strings/str_join.h"
#include "tracker/base/log.h"
#include "tracker/base/per_worker_sockets.h"
#include "tracker/base/socket_address.h"
#include "tracker/udp/request_handler.h"

namespace aquatic::udp {
namespace {

// Binds one socket per worker for `text`, all on one port (see
// per_worker_sockets.h).
// `warned`: the receive buffer warning is logged once per front-end.
absl::StatusOr<uint16_t> BindFamily(const std::string& text, uint64_t recv_buffer_size,
                                    size_t workers, std::vector<std::vector<int>>* fds,
                                    bool* warned) {
  return OpenPerWorker(
      text, Transport::kUdp, workers,
      [&](size_t worker, const SocketAddress& address) -> absl::StatusOr<uint16_t> {
        absl::StatusOr<int> fd = BindUdpSocket(address, recv_buffer_size);
        if (!fd.ok()) return fd.status();
        (*fds)[worker].push_back(*fd);
        if (worker == 0 && !*warned) {
          const uint64_t granted = GrantedRecvBuffer(*fd);
          if (recv_buffer_size > 0 && granted < recv_buffer_size) {
            AQUATIC_LOG(kWarn, "udp: [network] socket_recv_buffer_size: asked for ",
                        recv_buffer_size, " bytes, the kernel granted ", granted,
                        "; to grant it: sysctl -w net.core.rmem_max=", recv_buffer_size);
            *warned = true;
          }
        }
        return BoundPort(*fd);
      });
}

template <typename PeerData>
std::unique_ptr<DatagramHandler> NewHandler(Runtime& runtime, const UdpProtocolSettings& settings,
                                            const ConnectionIds* connection_ids,
                                            WorkerCounters<UdpCounter> counters, uint64_t seed) {
  return std::make_unique<UdpRequestHandler<PeerData>>(
      settings, &runtime.swarms().ip<PeerData>(), connection_ids, runtime.access_list(), counters,
      seed, runtime.admission());
}

}  // namespace

UdpFrontEnd::~UdpFrontEnd() { Stop(); }

absl::StatusOr<std::unique_ptr<UdpFrontEnd>> UdpFrontEnd::Create(
    Runtime& runtime, const config::UdpFrontEndConfig& config, absl::string_view table) {
  std::unique_ptr<UdpFrontEnd> front_end(new UdpFrontEnd());
  const size_t workers = runtime.worker_count();
  front_end->connection_ids_ =
      std::make_unique<ConnectionIds>(runtime.config().cleaning().max_connection_age());
  front_end->counters_ = std::make_unique<Counters<UdpCounter>>(workers);

  std::vector<std::vector<int>> fds(workers);
  // Until the workers own them: a failure part-way closes what was bound.
  struct CloseUnowned {
    std::vector<std::vector<int>>& fds;
    ~CloseUnowned() {
      for (const std::vector<int>& worker : fds) {
        for (int fd : worker) close(fd);
      }
    }
  } close_unowned{fds};
  const config::ListenAddresses& listen = config.network().listen();
  const uint64_t recv_buffer = config.network().socket_recv_buffer_size();
  bool warned = false;
  for (const auto& [enabled, text, port] :
       {std::tuple{listen.use_ipv4(), listen.address_ipv4(), &front_end->ipv4_port_},
        std::tuple{listen.use_ipv6(), listen.address_ipv6(), &front_end->ipv6_port_}}) {
    if (!enabled) continue;
    absl::StatusOr<uint16_t> bound = BindFamily(text, recv_buffer, workers, &fds, &warned);
    if (!bound.ok()) return bound.status();
    *port = *bound;
    front_end->addresses_.push_back(SocketAddress::Parse(text)->WithPort(*bound).ToString());
  }

  UdpProtocolSettings settings;
  settings.max_scrape_torrents = config.protocol().max_scrape_torrents();
  settings.max_response_peers = config.protocol().max_response_peers();
  settings.peer_announce_interval = config.protocol().peer_announce_interval();
  for (size_t i = 0; i < workers; ++i) {
    const uint64_t random_seed = RandomSeed();
    WorkerCounters<UdpCounter> counters = front_end->counters_->ForWorker(i);
    std::unique_ptr<DatagramHandler> handler =
        runtime.swarms().stores_peer_ids()
            ? NewHandler<swarm::PeerIdData>(runtime, settings, front_end->connection_ids_.get(),
                                            counters, random_seed)
            : NewHandler<swarm::NoPeerData>(runtime, settings, front_end->connection_ids_.get(),
                                            counters, random_seed);
    front_end->workers_.push_back(
        std::make_unique<UdpSocketWorker>(std::exchange(fds[i], {}), std::move(handler)));
  }
  return front_end;
}

absl::Status UdpFrontEnd::Start() {
  for (auto& worker : workers_) {
    threads_.emplace_back([this, raw = worker.get()] { raw->Run(stop_); });
  }
  return absl::OkStatus();
}

void UdpFrontEnd::Stop() {
  stop_ = true;
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

std::string UdpFrontEnd::Describe() const {
  return absl::StrCat("udp on ", absl::StrJoin(addresses_, ", "));
}

void UdpFrontEnd::AddMetrics(PrometheusText* text) const {
  text->AddCounters(counters_->table(), "protocol=\"udp\"");
}

std::vector<StatisticsReporter::RateCounter> UdpFrontEnd::StatisticsRates() const {
  const CounterTable* table = &counters_->table();
  auto rate = [table](const char* label, UdpCounter counter) {
    return StatisticsReporter::RateCounter{label, table, static_cast<size_t>(counter)};
  };
  return {rate("requests connect", UdpCounter::kConnectRequests),
          rate("requests announce", UdpCounter::kAnnounceRequests),
          rate("requests scrape", UdpCounter::kScrapeRequests),
          rate("responses announce", UdpCounter::kAnnounceResponses),
          rate("responses error", UdpCounter::kErrorResponses),
          rate("dropped", UdpCounter::kDropped)};
}

std::optional<RequestTotals> UdpFrontEnd::Totals() const {
  const CounterTable& table = counters_->table();
  RequestTotals totals;
  totals.transport = "udp";
  for (size_t ip = 0; ip < 2; ++ip) {
    totals.connections[ip] = table.Total(static_cast<size_t>(UdpCounter::kConnectRequests), ip);
    totals.announces[ip] = table.Total(static_cast<size_t>(UdpCounter::kAnnounceRequests), ip);
    totals.scrapes[ip] = table.Total(static_cast<size_t>(UdpCounter::kScrapeRequests), ip);
  }
  return totals;
}

}  // namespace aquatic::udp
