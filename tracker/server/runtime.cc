#include "tracker/server/runtime.h"

#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tracker/base/clock.h"
#include "tracker/base/log.h"
#include "tracker/base/socket_address.h"
#include "tracker/base/version.h"

namespace aquatic {

absl::StatusOr<std::unique_ptr<AccessListHolder>> LoadAccessList(
    const config::AccessListConfig& config) {
  AccessListMode mode = AccessListMode::kOff;
  if (config.mode() == config::ACCESS_LIST_MODE_ALLOW) mode = AccessListMode::kAllow;
  if (config.mode() == config::ACCESS_LIST_MODE_DENY) mode = AccessListMode::kDeny;
  absl::StatusOr<std::shared_ptr<const AccessList>> list = AccessList::Load(mode, config.path());
  if (!list.ok()) {
    return absl::Status(list.status().code(),
                        absl::StrCat("[access_list] path: ", list.status().message()));
  }
  return std::make_unique<AccessListHolder>(mode, config.path(), *std::move(list));
}

absl::StatusOr<std::unique_ptr<admission::Admission>> CreateAdmission(
    const config::TrackerConfig& config, storage::Storage* storage) {
  admission::ClientFilterMode mode = admission::ClientFilterMode::kOff;
  if (config.client_filter().mode() == config::CLIENT_FILTER_MODE_ALLOW) {
    mode = admission::ClientFilterMode::kAllow;
  }
  if (config.client_filter().mode() == config::CLIENT_FILTER_MODE_DENY) {
    mode = admission::ClientFilterMode::kDeny;
  }
  absl::StatusOr<std::unique_ptr<admission::ClientFilterHolder>> client_filter =
      admission::LoadClientFilter(mode, config.client_filter().path());
  if (!client_filter.ok()) return client_filter.status();
  admission::KeyRegistry::Persist persist;
  admission::TransferLedger::Sink sink;
  if (storage != nullptr) {
    persist = [storage](const admission::KeyValidity& key, bool present) {
      storage->SetKey(storage::StoredKey{key.key, key.valid_until}, present);
    };
    sink = [storage](const TrackerKey& key, const InfoHash& info_hash,
                     const admission::TransferDelta& delta) {
      storage->AddTransfer(key, storage::KeyTransfer{info_hash, delta.uploaded, delta.downloaded,
                                                     delta.completed});
    };
  }
  return std::make_unique<admission::Admission>(
      config.private_().mode() == config::PRIVATE_MODE_KEYS, *std::move(client_filter),
      std::move(persist), std::move(sink));
}

size_t WorkerCount(uint32_t socket_workers) {
  if (socket_workers != 0) return socket_workers;
  const unsigned cpus = std::thread::hardware_concurrency();
  return cpus == 0 ? 1 : cpus;
}

Runtime::Runtime(const config::TrackerConfig& config, size_t worker_count)
    : config_(config), worker_count_(worker_count), start_time_unix_(UnixSeconds()) {}

Runtime::~Runtime() { Stop(); }

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(const config::TrackerConfig& config,
                                                         bool store_peer_ids) {
  std::unique_ptr<Runtime> runtime(new Runtime(config, WorkerCount(config.socket_workers())));
  absl::StatusOr<std::unique_ptr<AccessListHolder>> access_list =
      LoadAccessList(config.access_list());
  if (!access_list.ok()) return access_list.status();
  runtime->access_list_ = *std::move(access_list);
  runtime->swarms_ = std::make_unique<Swarms>(runtime->worker_count_, store_peer_ids);
  runtime->swarms_->SetLimits(config.limits().max_torrents(), config.limits().max_peers());

  absl::StatusOr<std::unique_ptr<storage::Storage>> storage =
      storage::Storage::Open(config.storage());
  if (!storage.ok()) return storage.status();
  runtime->storage_ = *std::move(storage);
  if (runtime->storage_ != nullptr) {
    absl::StatusOr<std::vector<storage::StoredCount>> counts = runtime->storage_->LoadCompleted();
    if (!counts.ok()) return counts.status();
    absl::StatusOr<absl::flat_hash_set<InfoHash>> listed = runtime->storage_->LoadAccessList();
    if (!listed.ok()) return listed.status();
    AQUATIC_LOG(kInfo, "storage: ", runtime->storage_->Describe(), ": ", counts->size(),
                " completed counts, ", listed->size(), " access list entries");
    runtime->swarms_->KeepCompletedIn(runtime->storage_.get(), *std::move(counts),
                                      config.storage().max_kept_torrents());
    if (runtime->access_list_->mode() == AccessListMode::kAllow) {
      runtime->access_list_->SetApiEntries(*std::move(listed));
    } else if (!listed->empty()) {
      AQUATIC_LOG(kWarn, "storage: ", listed->size(),
                  " access list entries of the API are not used: [access_list] mode is not "
                  "\"allow\"");
    }
  }

  absl::StatusOr<std::unique_ptr<admission::Admission>> admission =
      CreateAdmission(config, runtime->storage_.get());
  if (!admission.ok()) return admission.status();
  runtime->admission_ = *std::move(admission);
  if (runtime->admission_->keys_required()) {
    if (runtime->storage_ != nullptr) {
      absl::StatusOr<std::vector<storage::StoredKey>> keys = runtime->storage_->LoadKeys();
      if (!keys.ok()) return keys.status();
      std::vector<admission::KeyValidity> validities;
      validities.reserve(keys->size());
      for (const storage::StoredKey& key : *keys) {
        validities.push_back({key.key, key.valid_until});
      }
      runtime->admission_->keys().SetAll(validities);
      AQUATIC_LOG(kInfo, "private tracker: ", validities.size(), " keys");
    } else {
      AQUATIC_LOG(kWarn,
                  "private tracker without [storage]: keys made through the API and transfer "
                  "accounting live in memory only and are lost at stop");
    }
  }
  return runtime;
}

IoWorkers& Runtime::io() {
  if (io_ == nullptr) io_ = std::make_unique<IoWorkers>(worker_count_);
  return *io_;
}

void Runtime::Add(std::unique_ptr<FrontEnd> front_end) {
  front_ends_.push_back(std::move(front_end));
}

FrontEnd* Runtime::Find(absl::string_view name) const {
  for (const auto& front_end : front_ends_) {
    if (front_end->name() == name) return front_end.get();
  }
  return nullptr;
}

absl::Status Runtime::Start() {
  swarms_->ReleaseStored();
  if (storage_ != nullptr) storage_->Start();
  const config::StatisticsConfig& statistics = config_.statistics();
  if (statistics.run_prometheus_endpoint()) {
    absl::StatusOr<SocketAddress> address =
        SocketAddress::Parse(statistics.prometheus_endpoint_address());
    if (!address.ok()) return address.status();
    absl::StatusOr<std::unique_ptr<PrometheusEndpoint>> endpoint =
        PrometheusEndpoint::Start(*address, [this] { return RenderPrometheus(); });
    if (!endpoint.ok()) return endpoint.status();
    prometheus_ = *std::move(endpoint);
  }
  std::vector<StatisticsReporter::RateCounter> rates;
  std::vector<std::string> names;
  for (const auto& front_end : front_ends_) {
    names.push_back(front_end->name());
    for (StatisticsReporter::RateCounter rate : front_end->StatisticsRates()) {
      if (front_ends_.size() > 1) rate.label = absl::StrCat(front_end->name(), " ", rate.label);
      rates.push_back(std::move(rate));
    }
  }
  statistics_ = std::make_unique<StatisticsReporter>(absl::StrJoin(names, "+"), std::move(rates),
                                                     statistics);
  for (const auto& front_end : front_ends_) {
    if (absl::Status status = front_end->Start(); !status.ok()) return status;
  }
  if (io_ != nullptr) io_->Start();
  started_ = true;
  return absl::OkStatus();
}

void Runtime::Stop() {
  // The endpoint first: its thread renders metrics of everything below.
  prometheus_.reset();
  // Then the io threads: acceptors and timers are closed from this thread.
  if (io_ != nullptr) io_->Stop();
  for (const auto& front_end : front_ends_) front_end->Stop();
  // Destroying the io contexts destroys the sessions they still hold, which
  // take their peers out of the swarms; the front-ends outlive them.
  io_.reset();
  // Last: every download counted until the front-ends stopped is written.
  if (storage_ != nullptr) storage_->Stop();
  started_ = false;
}

std::vector<RequestTotals> Runtime::Totals() const {
  std::vector<RequestTotals> totals;
  for (const auto& front_end : front_ends_) {
    if (std::optional<RequestTotals> one = front_end->Totals()) totals.push_back(*std::move(one));
  }
  return totals;
}

void Runtime::Clean() {
  const uint32_t now = SecondsSinceStart();
  swarms_->Clean(now, config_.cleaning());
  const uint32_t max_age = config_.cleaning().max_peer_age();
  admission_->ledger().Clean(now > max_age ? now - max_age : 0);
}

absl::StatusOr<AccessListHolder::Change> Runtime::ReloadAccessList(absl::string_view why) {
  if (access_list_->mode() == AccessListMode::kOff) {
    AQUATIC_LOG(kInfo, why, ": no access list to reload");
    return AccessListHolder::Change{};
  }
  absl::StatusOr<AccessListHolder::Change> change = access_list_->Reload();
  if (change.ok()) {
    const uint64_t failed = access_list_failures_.Succeeded();
    AQUATIC_LOG(kInfo, why, ": access list reloaded: ", change->size, " info hashes (",
                change->added, " added, ", change->removed, " removed)",
                failed == 0 ? "" : absl::StrCat(" after ", failed, " failed reloads"));
  } else if (access_list_failures_.Failed()) {
    AQUATIC_LOG(kError, why, ": access list reload failed, keeping the old list: ",
                change.status().message(), " (logged once until a reload succeeds)");
  }
  return change;
}

absl::StatusOr<size_t> Runtime::ReloadClientFilter(absl::string_view why) {
  admission::ClientFilterHolder& filter = admission_->client_filter();
  if (filter.mode() == admission::ClientFilterMode::kOff) {
    AQUATIC_LOG(kInfo, why, ": no client filter to reload");
    return size_t{0};
  }
  absl::StatusOr<size_t> prefixes = filter.Reload();
  if (prefixes.ok()) {
    const uint64_t failed = client_filter_failures_.Succeeded();
    AQUATIC_LOG(kInfo, why, ": client filter reloaded: ", *prefixes, " peer id prefixes",
                failed == 0 ? "" : absl::StrCat(" after ", failed, " failed reloads"));
  } else if (client_filter_failures_.Failed()) {
    AQUATIC_LOG(kError, why, ": client filter reload failed, keeping the old filter: ",
                prefixes.status().message(), " (logged once until a reload succeeds)");
  }
  return prefixes;
}

void Runtime::Reload(absl::string_view why) {
  ReloadAccessList(why).IgnoreError();
  if (admission_->filters_clients()) ReloadClientFilter(why).IgnoreError();
  for (const auto& front_end : front_ends_) front_end->Reload();
}

std::vector<StatisticsRow> Runtime::CurrentStatistics() const {
  std::vector<StatisticsRow> rows;
  for (const auto& front_end : front_ends_) {
    for (StatisticsRow row : front_end->CurrentStatistics()) {
      if (front_ends_.size() > 1) row.label = absl::StrCat(front_end->name(), " ", row.label);
      rows.push_back(std::move(row));
    }
  }
  for (StatisticsRow& row : swarms_->CurrentStatistics()) rows.push_back(std::move(row));
  return rows;
}

void Runtime::ReportStatistics() {
  if (statistics_ == nullptr) return;
  statistics_->Report(CurrentStatistics());
}

std::string Runtime::RenderPrometheus() const {
  PrometheusText text;
  for (const auto& front_end : front_ends_) front_end->AddMetrics(&text);
  swarms_->AddMetrics(&text);
  if (storage_ != nullptr) storage_->AddMetrics(&text);
  admission_->AddMetrics(&text);
  text.AddGauge("aquatic_build_info", "The binary's version and commit (always 1).",
                absl::StrCat("version=\"", kAquaticVersion, "\",commit=\"", kAquaticCommit, "\""),
                1);
  text.AddGauge("process_start_time_seconds", "Start time of the process, Unix seconds.", "",
                static_cast<double>(start_time_unix_));
  return text.Render();
}

std::string Runtime::Describe() const {
  std::vector<std::string> parts;
  for (const auto& front_end : front_ends_) parts.push_back(front_end->Describe());
  std::string line = absl::StrCat("serving ", absl::StrJoin(parts, "; "));
  if (prometheus_ != nullptr) {
    absl::StatusOr<SocketAddress> address =
        SocketAddress::Parse(config_.statistics().prometheus_endpoint_address());
    if (address.ok()) {
      absl::StrAppend(&line, "; metrics on http://", address->WithPort(prometheus_->port()).ToString(),
                      "/metrics");
    }
  }
  if (storage_ != nullptr) absl::StrAppend(&line, "; storage ", storage_->Describe());
  absl::StrAppend(&line, "; ", worker_count_, worker_count_ == 1 ? " socket worker" : " socket workers");
  return line;
}

}  // namespace aquatic
