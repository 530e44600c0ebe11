// ApiFrontEnd: the management API and statistics page ([api]) as one more
// front-end of the process: the kit's TcpFrontEnd (listener, optional TLS,
// idle deadlines) on the shared io workers, with HTTP/1.1 sessions that
// answer through ApiHandler. Bound with the other front-ends, before the
// process drops its privileges.
#ifndef AQUATIC_TRACKER_API_API_FRONT_END_H_
#define AQUATIC_TRACKER_API_API_FRONT_END_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "tracker/api/api_handler.h"
#include "tracker/base/config/common.pb.h"
#include "tracker/server/runtime.h"
#include "tracker/server/tcp_front_end.h"

namespace aquatic::api {

class ApiFrontEnd final : public TcpFrontEnd {
 public:
  static absl::StatusOr<std::unique_ptr<ApiFrontEnd>> Create(Runtime& runtime,
                                                             const config::ApiConfig& config);
  ~ApiFrontEnd() override;

  std::vector<StatisticsReporter::RateCounter> StatisticsRates() const override { return {}; }

 private:
  struct State;
  ApiFrontEnd();
  void Accept(size_t worker, TcpSocket socket, const SocketAddress& peer,
              ConnectionSlot slot) override;

  std::unique_ptr<State> state_;
};

// The [api] address as listen addresses: one socket, IPv4 or IPv6.
config::ListenAddresses ApiListenAddresses(const config::ApiConfig& config);

}  // namespace aquatic::api

#endif  // AQUATIC_TRACKER_API_API_FRONT_END_H_
