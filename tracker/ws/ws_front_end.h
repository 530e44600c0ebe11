// WsFrontEnd: the WebTorrent tracker (JSON over WebSocket and secure
// WebSocket) in a tracker process: sessions on the kit's TcpFrontEnd,
// answering and relaying through WsRequestHandler around the process's
// WebTorrent engine.
#ifndef AQUATIC_TRACKER_WS_WS_FRONT_END_H_
#define AQUATIC_TRACKER_WS_WS_FRONT_END_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "tracker/base/config/ws.pb.h"
#include "tracker/base/metrics.h"
#include "tracker/server/runtime.h"
#include "tracker/server/tcp_front_end.h"
#include "tracker/ws/ws_metrics.h"
#include "tracker/ws/ws_session.h"

namespace aquatic::ws {

class WsFrontEnd final : public TcpFrontEnd {
 public:
  // Loads the TLS files and binds every worker's acceptors (before the
  // process drops privileges).
  static absl::StatusOr<std::unique_ptr<WsFrontEnd>> Create(Runtime& runtime,
                                                           const config::WsFrontEndConfig& config,
                                                           absl::string_view table);
  ~WsFrontEnd() override;

  std::vector<StatisticsReporter::RateCounter> StatisticsRates() const override;
  std::optional<RequestTotals> Totals() const override;
  const Counters<WsCounter>& counters() const { return *counters_; }

 private:
  WsFrontEnd() = default;
  void Accept(size_t worker, TcpSocket socket, const SocketAddress& peer,
              ConnectionSlot slot) override;

  WsServerSettings server_settings_;
  std::unique_ptr<Counters<WsCounter>> counters_;
  // Stable addresses: sessions refer to their worker.
  std::vector<std::unique_ptr<WsWorker>> workers_;
};

}  // namespace aquatic::ws

#endif  // AQUATIC_TRACKER_WS_WS_FRONT_END_H_
