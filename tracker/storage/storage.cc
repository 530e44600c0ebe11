#include "tracker/storage/storage.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tracker/base/log.h"

namespace aquatic::storage {

absl::StatusOr<std::unique_ptr<Storage>> Storage::Open(const config::StorageConfig& config) {
  absl::StatusOr<std::unique_ptr<Database>> database = Database::Open(config);
  if (!database.ok()) return database.status();
  if (*database == nullptr) return nullptr;
  Options options;
  options.flush_interval = std::chrono::seconds(config.flush_interval());
  return std::make_unique<Storage>(*std::move(database), options);
}

Storage::Storage(std::unique_ptr<Database> database, Options options)
    : options_(options), description_(database->Describe()), database_(std::move(database)) {}

Storage::~Storage() { Stop(); }

absl::StatusOr<std::vector<StoredCount>> Storage::LoadCompleted() {
  size_t skipped = 0;
  absl::StatusOr<std::vector<StoredCount>> counts;
  {
    std::lock_guard<std::mutex> lock(database_mutex_);
    counts = database_->LoadCompleted(&skipped);
  }
  if (skipped > 0) {
    AQUATIC_LOG(kWarn, "storage: skipped ", skipped,
                " unreadable rows of aquatic_torrents (unknown swarm or bad info hash)");
  }
  return counts;
}

absl::StatusOr<absl::flat_hash_set<InfoHash>> Storage::LoadAccessList() {
  // Held throughout: no flush moves edits from pending to the database
  // between the read and the edits applied on top of it.
  std::lock_guard<std::mutex> database_lock(database_mutex_);
  absl::StatusOr<absl::flat_hash_set<InfoHash>> hashes = database_->LoadAccessList();
  if (!hashes.ok()) return hashes;
  auto apply = [&hashes](const std::vector<Batch::Listing>& listings) {
    for (const Batch::Listing& listing : listings) {
      if (listing.listed) {
        hashes->insert(listing.info_hash);
      } else {
        hashes->erase(listing.info_hash);
      }
    }
  };
  if (unconfirmed_) apply(unconfirmed_->access_list);
  std::lock_guard<std::mutex> lock(pending_mutex_);
  apply(pending_listings_);
  return hashes;
}

absl::StatusOr<std::vector<StoredKey>> Storage::LoadKeys() {
  // As LoadAccessList: no flush between the read and the edits on top.
  std::lock_guard<std::mutex> database_lock(database_mutex_);
  size_t skipped = 0;
  absl::StatusOr<std::vector<StoredKey>> stored = database_->LoadKeys(&skipped);
  if (!stored.ok()) return stored;
  if (skipped > 0) {
    AQUATIC_LOG(kWarn, "storage: skipped ", skipped,
                " unreadable rows of aquatic_keys (not 32 letters and digits, or a bad expiry)");
  }
  absl::flat_hash_map<TrackerKey, uint64_t> keys;
  for (const StoredKey& key : *stored) keys[key.key] = key.valid_until;
  auto apply = [&keys](const std::vector<Batch::KeyEdit>& edits) {
    for (const Batch::KeyEdit& edit : edits) {
      if (edit.present) {
        keys[edit.key.key] = edit.key.valid_until;
      } else {
        keys.erase(edit.key.key);
      }
    }
  };
  if (unconfirmed_) apply(unconfirmed_->keys);
  {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    apply(pending_keys_);
  }
  std::vector<StoredKey> result;
  result.reserve(keys.size());
  for (const auto& [key, valid_until] : keys) result.push_back({key, valid_until});
  return result;
}

absl::StatusOr<std::vector<KeyTransfer>> Storage::LoadKeyTransfers(const TrackerKey& key) {
  std::lock_guard<std::mutex> database_lock(database_mutex_);
  absl::StatusOr<std::vector<KeyTransfer>> stored = database_->LoadKeyTransfers(key);
  if (!stored.ok()) return stored;
  absl::flat_hash_map<InfoHash, KeyTransfer> totals;
  auto add = [&totals](const KeyTransfer& transfer) {
    KeyTransfer& total = totals[transfer.info_hash];
    total.info_hash = transfer.info_hash;
    total.uploaded += transfer.uploaded;
    total.downloaded += transfer.downloaded;
    total.completed += transfer.completed;
  };
  for (const KeyTransfer& transfer : *stored) add(transfer);
  if (unconfirmed_) {
    for (const Batch::Transfer& transfer : unconfirmed_->transfers) {
      if (transfer.key == key) add(transfer.added);
    }
  }
  {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    for (const auto& [pending_key, transfer] : pending_transfers_) {
      if (pending_key.key == key) add(transfer);
    }
  }
  std::vector<KeyTransfer> result;
  result.reserve(totals.size());
  for (const auto& [info_hash, transfer] : totals) result.push_back(transfer);
  std::sort(result.begin(), result.end(), [](const KeyTransfer& a, const KeyTransfer& b) {
    return a.info_hash < b.info_hash;
  });
  return result;
}

void Storage::Start() {
  std::lock_guard<std::mutex> lock(pending_mutex_);
  if (writer_.joinable() || stopped_) return;
  writer_ = std::thread([this] { RunWriter(); });
}

void Storage::Stop() {
  {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  // What the announces and the API changed since the last flush.
  const auto deadline = std::chrono::steady_clock::now() + options_.stop_deadline;
  absl::Status status = FlushPending();
  while (!status.ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(options_.min_backoff,
                                                                    options_.stop_deadline));
    status = FlushPending();
  }
  if (!status.ok()) {
    AQUATIC_LOG(kError, "storage: at stop, ", pending(),
                " changes (completed counts, access list and key edits, key transfers) could not be"
                " written to ",
                description_, " and are lost: ", status.message());
  }
}

void Storage::CountCompletion(SwarmKind swarm, const InfoHash& info_hash) {
  std::lock_guard<std::mutex> lock(pending_mutex_);
  ++pending_counts_[CountKey{swarm, info_hash}];
}

void Storage::SetListed(const InfoHash& info_hash, bool listed) {
  {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    pending_listings_.push_back({info_hash, listed});
    urgent_ = true;
  }
  wake_.notify_all();
}

void Storage::SetKey(const StoredKey& key, bool present) {
  {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    pending_keys_.push_back({key, present});
    urgent_ = true;
  }
  wake_.notify_all();
}

void Storage::AddTransfer(const TrackerKey& key, const KeyTransfer& added) {
  std::lock_guard<std::mutex> lock(pending_mutex_);
  KeyTransfer& total = pending_transfers_[TransferKey{key, added.info_hash}];
  total.info_hash = added.info_hash;
  total.uploaded += added.uploaded;
  total.downloaded += added.downloaded;
  total.completed += added.completed;
}

absl::Status Storage::Flush() { return FlushPending(); }

absl::Status Storage::WriteOnce(const Batch& batch) {
  absl::StatusOr<bool> written = database_->WasWritten(batch.id);
  if (!written.ok()) return written.status();
  if (*written) return absl::OkStatus();
  return database_->Write(batch);
}

absl::Status Storage::FlushPending() {
  // One flush at a time, so edits reach the database in the order made.
  std::lock_guard<std::mutex> database_lock(database_mutex_);
  size_t written = 0;
  if (unconfirmed_) {
    if (absl::Status status = WriteOnce(*unconfirmed_); !status.ok()) {
      NoteResult(status, 0);
      return status;
    }
    written = unconfirmed_->size();
    unconfirmed_.reset();
    unconfirmed_changes_ = 0;
  }
  Batch batch;
  // Never 0 (not recorded).
  batch.id = static_cast<int64_t>(batch_ids_.Next() >> 1) | 1;
  absl::flat_hash_map<CountKey, uint64_t> counts;
  absl::flat_hash_map<TransferKey, KeyTransfer> transfers;
  {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    counts.swap(pending_counts_);
    // Announces keep counting into it under a shard lock: no rehashing from
    // empty after every flush.
    pending_counts_.reserve(counts.size());
    batch.access_list.swap(pending_listings_);
    batch.keys.swap(pending_keys_);
    transfers.swap(pending_transfers_);
    pending_transfers_.reserve(transfers.size());
    urgent_ = false;
  }
  batch.completed.reserve(counts.size());
  for (const auto& [key, added] : counts) {
    batch.completed.push_back({key.swarm, key.info_hash, added});
  }
  batch.transfers.reserve(transfers.size());
  for (const auto& [key, added] : transfers) batch.transfers.push_back({key.key, added});
  // Nothing to write tells nothing about the database: the state stays.
  if (batch.empty()) {
    if (written > 0) NoteResult(absl::OkStatus(), written);
    return absl::OkStatus();
  }
  const size_t changes = batch.size();
  const absl::Status status = database_->Write(batch);
  if (status.ok()) {
    written += changes;
  } else {
    unconfirmed_changes_ = changes;
    unconfirmed_ = std::move(batch);
  }
  NoteResult(status, written);
  return status;
}

void Storage::NoteResult(const absl::Status& status, size_t written) {
  bool was_healthy;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    was_healthy = healthy_;
    healthy_ = status.ok();
    if (status.ok()) {
      ++flushes_;
      written_ += written;
    } else {
      ++errors_;
    }
  }
  if (was_healthy && !status.ok()) {
    AQUATIC_LOG(kError, "storage: writing failed, serving on and keeping ", pending(),
                " changes in memory; retrying: ", status.message());
  } else if (!was_healthy && status.ok()) {
    AQUATIC_LOG(kInfo, "storage: ", description_, " is back: wrote ", written, " changes");
  }
}

void Storage::RunWriter() {
  using Clock = std::chrono::steady_clock;
  std::chrono::milliseconds backoff = options_.min_backoff;
  Clock::time_point next = Clock::now() + options_.flush_interval;
  bool failing = false;
  std::unique_lock<std::mutex> lock(pending_mutex_);
  while (!stopping_) {
    // An API edit goes out at once, unless the database is failing: then it
    // waits for the next retry like everything else.
    wake_.wait_until(lock, next, [&] { return stopping_ || (urgent_ && !failing); });
    if (stopping_) break;
    lock.unlock();
    const absl::Status status = FlushPending();
    lock.lock();
    failing = !status.ok();
    if (failing) {
      next = Clock::now() + backoff;
      backoff = std::min(backoff * 2, options_.max_backoff);
    } else {
      backoff = options_.min_backoff;
      next = Clock::now() + options_.flush_interval;
    }
  }
}

bool Storage::healthy() const {
  std::lock_guard<std::mutex> lock(state_mutex_);
  return healthy_;
}

size_t Storage::pending() const {
  std::lock_guard<std::mutex> lock(pending_mutex_);
  return pending_counts_.size() + pending_listings_.size() + pending_keys_.size() +
         pending_transfers_.size() + unconfirmed_changes_.load();
}

void Storage::AddMetrics(PrometheusText* text) const {
  uint64_t errors, flushes, written;
  bool healthy;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    errors = errors_;
    flushes = flushes_;
    written = written_;
    healthy = healthy_;
  }
  text->AddGauge("aquatic_storage_up", "Whether the last write to the storage succeeded.", "",
                 healthy ? 1 : 0);
  text->AddCounter("aquatic_storage_errors_total",
                   "Failed writes to the storage (each retried until it succeeds).", "", errors);
  text->AddCounter("aquatic_storage_flushes_total", "Successful writes to the storage.", "",
                   flushes);
  text->AddCounter("aquatic_storage_written_changes_total",
                   "Completed counts, access list and key edits and key transfers written to the"
                   " storage.",
                   "", written);
  text->AddGauge("aquatic_storage_pending_changes",
                 "Changes held in memory until the next successful write.", "",
                 static_cast<double>(pending()));
}

}  // namespace aquatic::storage
