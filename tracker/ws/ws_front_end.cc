#include "tracker/ws/ws_front_end.h"

#include <algorithm>
#include <utility>

#include "tracker/base/fast_random.h"

namespace aquatic::ws {

WsFrontEnd::~WsFrontEnd() = default;

absl::StatusOr<std::unique_ptr<WsFrontEnd>> WsFrontEnd::Create(
    Runtime& runtime, const config::WsFrontEndConfig& config, absl::string_view table) {
  std::unique_ptr<WsFrontEnd> front_end(new WsFrontEnd());
  const size_t workers = runtime.io().size();
  const config::WsNetworkConfig& network = config.network();
  front_end->counters_ = std::make_unique<Counters<WsCounter>>(workers);
  Options options;
  options.name = "ws";
  options.table = std::string(table);
  options.scheme = "ws";
  options.tls_scheme = "wss";
  options.listen = &network.listen();
  options.tls = &network.tls();
  options.max_connections = network.max_connections();
  options.max_connections_per_ip = runtime.config().limits().max_connections_per_ip();
  options.counters = &front_end->counters_->table();
  if (absl::Status status = front_end->Init(runtime, options); !status.ok()) return status;

  WsServerSettings& server = front_end->server_settings_;
  server.max_message_size = network.websocket_max_message_size();
  server.max_frame_size = network.websocket_max_frame_size();
  server.idle_timeout_seconds = runtime.config().cleaning().max_connection_idle();
  // A handshake (TLS, then the upgrade request) dribbled a byte at a time
  // is closed like an idle connection, or sooner.
  server.handshake_timeout_seconds =
      std::min(server.handshake_timeout_seconds, server.idle_timeout_seconds);
  server.health_checks = network.enable_http_health_checks();

  WsProtocolSettings protocol;
  protocol.max_scrape_torrents = config.protocol().max_scrape_torrents();
  protocol.max_offers = config.protocol().max_offers();
  protocol.peer_announce_interval = config.protocol().peer_announce_interval();

  for (size_t i = 0; i < workers; ++i) {
    auto worker = std::make_unique<WsWorker>();
    worker->io = &runtime.io().context(i);
    worker->idle_sweeper = front_end->sweeper(i);
    worker->counters = front_end->counters_->ForWorker(i);
    worker->handler = std::make_unique<WsRequestHandler>(
        protocol, &runtime.swarms().webtorrent(), runtime.access_list(), worker->counters,
        RandomSeed(), runtime.admission());
    worker->settings = &front_end->server_settings_;
    worker->tls = front_end->tls();
    front_end->workers_.push_back(std::move(worker));
  }
  return front_end;
}

void WsFrontEnd::Accept(size_t worker, TcpSocket socket, const SocketAddress& peer,
                        ConnectionSlot slot) {
  StartSession(*workers_[worker], std::move(socket), peer, std::move(slot));
}

std::vector<StatisticsReporter::RateCounter> WsFrontEnd::StatisticsRates() const {
  const CounterTable* table = &counters_->table();
  auto rate = [table](const char* label, WsCounter counter) {
    return StatisticsReporter::RateCounter{label, table, static_cast<size_t>(counter)};
  };
  return {{"connections accepted", &tcp().counters().table(),
           static_cast<size_t>(TcpCounter::kAccepted)},
          rate("requests announce", WsCounter::kAnnounceRequests),
          rate("requests scrape", WsCounter::kScrapeRequests),
          rate("offers relayed", WsCounter::kOffersRelayed),
          rate("answers relayed", WsCounter::kAnswersRelayed),
          rate("responses error", WsCounter::kErrorResponses)};
}

std::optional<RequestTotals> WsFrontEnd::Totals() const {
  return TcpTotals("ws", counters_->table(), static_cast<size_t>(WsCounter::kAnnounceRequests),
                   static_cast<size_t>(WsCounter::kScrapeRequests));
}

}  // namespace aquatic::ws
