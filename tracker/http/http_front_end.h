// HttpFrontEnd: HTTP/1.1 announce and scrape (plain or TLS) in a tracker
// process: sessions on the kit's TcpFrontEnd, answering through
// HttpRequestHandler around the shared IP engine (with peer ids, for
// non-compact responses).
#ifndef AQUATIC_TRACKER_HTTP_HTTP_FRONT_END_H_
#define AQUATIC_TRACKER_HTTP_HTTP_FRONT_END_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "tracker/base/config/http.pb.h"
#include "tracker/base/metrics.h"
#include "tracker/http/http_metrics.h"
#include "tracker/server/runtime.h"
#include "tracker/server/tcp_front_end.h"

namespace aquatic::http {

class HttpFrontEnd final : public TcpFrontEnd {
 public:
  // Loads the TLS files and binds every worker's acceptors (before the
  // process drops privileges).
  static absl::StatusOr<std::unique_ptr<HttpFrontEnd>> Create(
      Runtime& runtime, const config::HttpFrontEndConfig& config, absl::string_view table);
  ~HttpFrontEnd() override;

  std::vector<StatisticsReporter::RateCounter> StatisticsRates() const override;
  std::optional<RequestTotals> Totals() const override;
  const Counters<HttpCounter>& counters() const { return *counters_; }

 private:
  struct State;
  HttpFrontEnd();
  void Accept(size_t worker, TcpSocket socket, const SocketAddress& peer,
              ConnectionSlot slot) override;

  std::unique_ptr<Counters<HttpCounter>> counters_;
  std::unique_ptr<State> state_;
};

}  // namespace aquatic::http

#endif  // AQUATIC_TRACKER_HTTP_HTTP_FRONT_END_H_
