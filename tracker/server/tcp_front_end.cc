#include "tracker/server/tcp_front_end.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tracker/base/log.h"

namespace aquatic {
namespace {

// How often a worker looks for connections past their deadline: deadlines
// are seconds, and are met at most this late.
constexpr auto kSweepPeriod = std::chrono::seconds(1);

}  // namespace

TcpFrontEnd::~TcpFrontEnd() { Stop(); }

absl::Status TcpFrontEnd::Init(Runtime& runtime, const Options& options) {
  options_ = options;
  if (options.tls->enable_tls()) {
    absl::StatusOr<std::unique_ptr<TlsContexts>> tls =
        TlsContexts::Load(options.tls->tls_certificate_path(),
                          options.tls->tls_private_key_path(),
                          options.tls_section.empty()
                              ? absl::StrCat("[", options.table, "network]")
                              : options.tls_section);
    if (!tls.ok()) return tls.status();
    tls_ = *std::move(tls);
  }
  IoWorkers& io = runtime.io();
  for (size_t i = 0; i < io.size(); ++i) {
    sweepers_.push_back(std::make_unique<IdleSweeper>(io.context(i), kSweepPeriod));
  }
  TcpServer::Options tcp_options;
  tcp_options.max_connections = options.max_connections;
  tcp_options.max_connections_per_address = options.max_connections_per_ip;
  absl::StatusOr<std::unique_ptr<TcpServer>> tcp = TcpServer::Listen(
      io, options.name, *options.listen, tcp_options,
      [this](size_t worker, TcpSocket socket, const SocketAddress& peer, ConnectionSlot slot) {
        Accept(worker, std::move(socket), peer, std::move(slot));
      });
  if (!tcp.ok()) return tcp.status();
  tcp_ = *std::move(tcp);
  // They point into the config, which the front-end outlives.
  options_.listen = nullptr;
  options_.tls = nullptr;
  return absl::OkStatus();
}

RequestTotals TcpFrontEnd::TcpTotals(std::string transport, const CounterTable& counters,
                                     size_t announces, size_t scrapes) const {
  RequestTotals totals;
  totals.transport = std::move(transport);
  for (size_t ip = 0; ip < 2; ++ip) {
    totals.connections[ip] =
        tcp_->counters().table().Total(static_cast<size_t>(TcpCounter::kAccepted), ip);
    totals.announces[ip] = counters.Total(announces, ip);
    totals.scrapes[ip] = counters.Total(scrapes, ip);
  }
  return totals;
}

absl::Status TcpFrontEnd::Start() {
  for (auto& sweeper : sweepers_) sweeper->Start();
  tcp_->Start();
  return absl::OkStatus();
}

void TcpFrontEnd::Stop() {
  // The io workers are stopped: acceptors and timers close from this thread.
  // Sessions the io contexts release later still Forget() themselves in the
  // sweepers, which outlive them.
  if (tcp_ != nullptr) tcp_->Stop();
  for (auto& sweeper : sweepers_) sweeper->Stop();
}

void TcpFrontEnd::Reload() {
  if (tls_ == nullptr) return;
  absl::Status status = tls_->Reload();
  if (status.ok()) {
    const uint64_t failed = tls_failures_.Succeeded();
    AQUATIC_LOG(kInfo, options_.name, ": TLS certificate reloaded: ", tls_->Describe(),
                failed == 0 ? "" : absl::StrCat(" after ", failed, " failed reloads"));
  } else if (tls_failures_.Failed()) {
    AQUATIC_LOG(kError, options_.name, ": TLS reload failed, keeping the old certificate: ",
                status.message(), " (logged once until a reload succeeds)");
  }
}

std::string TcpFrontEnd::Describe() const {
  return absl::StrCat(tls_ ? options_.tls_scheme : options_.scheme, " on ",
                      tcp_->DescribeAddresses());
}

void TcpFrontEnd::AddMetrics(PrometheusText* text) const {
  const std::string label = absl::StrCat("protocol=\"", options_.name, "\"");
  // The management API has no request counters of its own.
  if (options_.counters != nullptr) text->AddCounters(*options_.counters, label);
  text->AddCounters(tcp_->counters().table(), label);
  text->AddGauge("aquatic_open_connections", "Open TCP connections.", label,
                 static_cast<double>(tcp_->open_connections()));
}

std::vector<StatisticsRow> TcpFrontEnd::CurrentStatistics() const {
  return {{"connections", static_cast<double>(tcp_->open_connections()), -1}};
}

}  // namespace aquatic
