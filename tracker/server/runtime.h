// Runtime: what every front-end of one tracker process shares, and the
// process's life cycle around them.
//
// It owns the storage ([storage]: stored counts and API access list entries
// loaded before any front-end exists, written by its own thread), the access
// list (loaded once, reloaded once on SIGUSR1, read by every worker through
// CachedAccessList), the swarm engines (Swarms), the io
// workers of the TCP front-ends, the statistics report, the Prometheus
// endpoint and the control loop. Front-ends are created against it (binding
// their sockets while the process may still be root), added, and then
// started, reloaded, cleaned, reported and stopped together.
#ifndef AQUATIC_TRACKER_SERVER_RUNTIME_H_
#define AQUATIC_TRACKER_SERVER_RUNTIME_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tracker/admission/admission.h"
#include "tracker/base/access_list.h"
#include "tracker/base/config/tracker.pb.h"
#include "tracker/base/log.h"
#include "tracker/base/prometheus_endpoint.h"
#include "tracker/base/statistics_report.h"
#include "tracker/server/front_end.h"
#include "tracker/server/io_workers.h"
#include "tracker/server/swarms.h"
#include "tracker/storage/storage.h"

namespace aquatic {

class Runtime {
 public:
  // Opens the storage and loads what it holds, and loads the access list
  // (errors name the key). Binds nothing. `store_peer_ids`: see Swarms.
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(const config::TrackerConfig& config,
                                                         bool store_peer_ids);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  const config::TrackerConfig& config() const { return config_; }
  // `socket_workers`, with 0 meaning one per CPU.
  size_t worker_count() const { return worker_count_; }
  const AccessListHolder* access_list() const { return access_list_.get(); }
  AccessListHolder* mutable_access_list() { return access_list_.get(); }
  // Keys ([private]), the client filter and per-key accounting.
  admission::Admission* admission() const { return admission_.get(); }
  // Null for [storage] backend "none".
  storage::Storage* storage() const { return storage_.get(); }
  Swarms& swarms() { return *swarms_; }
  // One io_context thread per worker, shared by the TCP front-ends; made on
  // first use.
  IoWorkers& io();

  void Add(std::unique_ptr<FrontEnd> front_end);
  // The front-end named `name`, or nullptr.
  FrontEnd* Find(absl::string_view name) const;
  // Every front-end's request totals (those that serve announces).
  std::vector<RequestTotals> Totals() const;

  // Starts the storage's writer, the Prometheus endpoint, every front-end,
  // then the io workers.
  absl::Status Start();
  // Stops the io workers and every front-end, then the storage, which writes
  // what it still holds. Idempotent.
  void Stop();

  // Periodic: stale peers, offers and empty torrents.
  void Clean();
  // SIGUSR1 or SIGHUP (`why` names it in the log line): the access list and
  // the client filter, then each front-end's own files.
  void Reload(absl::string_view why = "reload");
  // The access list file alone, logged with `why`; on error the old list
  // stays and the error is returned. OK with nothing done when the mode is
  // off.
  absl::StatusOr<AccessListHolder::Change> ReloadAccessList(absl::string_view why);
  // The client filter file alone, as ReloadAccessList; returns the number of
  // prefixes.
  absl::StatusOr<size_t> ReloadClientFilter(absl::string_view why);
  // Periodic: the statistics line and page.
  void ReportStatistics();
  // The rows of the statistics report as they are now (the API's page).
  std::vector<StatisticsRow> CurrentStatistics() const;
  std::string RenderPrometheus() const;
  uint16_t prometheus_port() const { return prometheus_ ? prometheus_->port() : 0; }
  // The start-up log line: every front-end and where it listens.
  std::string Describe() const;

 private:
  Runtime(const config::TrackerConfig& config, size_t worker_count);

  config::TrackerConfig config_;
  size_t worker_count_;
  // First in, last out: the front-ends count into it until they stop.
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<AccessListHolder> access_list_;
  // Reloads that keep failing are logged once (see FailureRun).
  FailureRun access_list_failures_;
  FailureRun client_filter_failures_;
  // After the storage, which its key registry and ledger write to.
  std::unique_ptr<admission::Admission> admission_;
  std::unique_ptr<Swarms> swarms_;
  // Front-ends before the io workers: stopping destroys the io contexts (and
  // the sessions they hold, which refer to their front-end) first.
  std::vector<std::unique_ptr<FrontEnd>> front_ends_;
  std::unique_ptr<IoWorkers> io_;
  std::unique_ptr<StatisticsReporter> statistics_;
  std::unique_ptr<PrometheusEndpoint> prometheus_;
  bool started_ = false;
  uint64_t start_time_unix_ = 0;
};

// The [access_list] section as the holder the workers share; a bad file is an
// error naming the key.
absl::StatusOr<std::unique_ptr<AccessListHolder>> LoadAccessList(
    const config::AccessListConfig& config);

// [private] and [client_filter] as the Admission the workers share, writing
// keys and transfers to `storage` (may be null); a bad client filter file is
// an error naming the key.
absl::StatusOr<std::unique_ptr<admission::Admission>> CreateAdmission(
    const config::TrackerConfig& config, storage::Storage* storage);

// `socket_workers`, with 0 meaning one per CPU.
size_t WorkerCount(uint32_t socket_workers);

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_RUNTIME_H_
