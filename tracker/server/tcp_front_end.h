// TcpFrontEnd: what every TCP front-end (HTTP, WebTorrent) is around its
// sessions, written once: TLS contexts from its [network] keys (re-read on
// SIGUSR1), one idle sweeper per io worker for the sessions' deadlines, the
// TcpServer that accepts for it, and its share of metrics, statistics and
// the start-up line. A protocol derives from it, makes its per-worker state
// in its Create, and starts a session in Accept.
#ifndef AQUATIC_TRACKER_SERVER_TCP_FRONT_END_H_
#define AQUATIC_TRACKER_SERVER_TCP_FRONT_END_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tracker/base/config/common.pb.h"
#include "tracker/base/log.h"
#include "tracker/base/metrics.h"
#include "tracker/server/front_end.h"
#include "tracker/server/idle_sweeper.h"
#include "tracker/server/runtime.h"
#include "tracker/server/tcp_server.h"
#include "tracker/server/tls_context.h"

namespace aquatic {

class TcpFrontEnd : public FrontEnd {
 public:
  ~TcpFrontEnd() override;

  std::string name() const override { return options_.name; }
  absl::Status Start() override;
  void Stop() override;
  // SIGUSR1: the TLS certificate and key (for new connections).
  void Reload() override;
  // "https on 127.0.0.1:3000, [::1]:3000".
  std::string Describe() const override;
  // Its counters, the TCP server's, and the open connections.
  void AddMetrics(PrometheusText* text) const override;
  std::vector<StatisticsRow> CurrentStatistics() const override;

  uint16_t ipv4_port() const { return tcp_->ipv4_port(); }
  uint16_t ipv6_port() const { return tcp_->ipv6_port(); }
  int64_t open_connections() const { return tcp_->open_connections(); }
  const TcpServer& tcp() const { return *tcp_; }

 protected:
  struct Options {
    // Metric label and log prefix ("http"), and the schemes of Describe
    // ("http", "https").
    std::string name;
    std::string scheme;
    std::string tls_scheme;
    // "http." in `aquatic run`'s file, "" in the protocol's own: errors name
    // keys "[http.network] tls_certificate_path".
    std::string table;
    // Where its TLS keys are, for errors; "[<table>network]" when empty.
    std::string tls_section;
    // Read by Init only.
    const config::ListenAddresses* listen = nullptr;
    const config::TlsSettings* tls = nullptr;
    uint32_t max_connections = 4096;
    // [limits] max_connections_per_ip; 0: none.
    uint32_t max_connections_per_ip = 0;
    // The front-end's own counters, for AddMetrics; may be null.
    const CounterTable* counters = nullptr;
  };

  TcpFrontEnd() = default;

  // Loads the TLS files, makes the sweepers and binds the acceptors (before
  // the process drops its privileges). Accept runs only after Start.
  absl::Status Init(Runtime& runtime, const Options& options);

  // On `worker`'s thread: a connection under the cap, to start a session on.
  virtual void Accept(size_t worker, TcpSocket socket, const SocketAddress& peer,
                      ConnectionSlot slot) = 0;

  IdleSweeper* sweeper(size_t worker) { return sweepers_[worker].get(); }
  // Totals() of a TCP front-end: connections accepted by its TCP server,
  // announces and scrapes from its own `counters` at those indices.
  RequestTotals TcpTotals(std::string transport, const CounterTable& counters, size_t announces,
                          size_t scrapes) const;
  // Null for plain TCP.
  const TlsContexts* tls() const { return tls_.get(); }

 private:
  Options options_;
  std::unique_ptr<TlsContexts> tls_;
  FailureRun tls_failures_;
  std::vector<std::unique_ptr<IdleSweeper>> sweepers_;
  std::unique_ptr<TcpServer> tcp_;
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_TCP_FRONT_END_H_
