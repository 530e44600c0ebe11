// Storage: keeps what the tracker must not forget across restarts in a
// Database, without ever making a request wait for it.
//
// Announces count completions in memory (CountCompletion, a short lock and a
// hash map increment); the management API queues access list edits. A
// writer thread flushes both in one transaction every flush_interval (at
// once for API edits) and at Stop. A failed flush keeps its batch, and the
// writer retries with a growing pause (1 s doubling to 30 s) until the
// database is back: a database that is down, full or slow never stops the
// tracker, and loses nothing while the process lives. Each batch carries an
// id the database records with it, so a retried batch whose first COMMIT did
// succeed (the answer was lost with the connection) is not counted twice.
// Each change of state (failing, back) is logged once.
#ifndef AQUATIC_TRACKER_STORAGE_STORAGE_H_
#define AQUATIC_TRACKER_STORAGE_STORAGE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tracker/base/config/common.pb.h"
#include "tracker/base/fast_random.h"
#include "tracker/base/info_hash.h"
#include "tracker/base/metrics.h"
#include "tracker/storage/database.h"

namespace aquatic::storage {

class Storage {
 public:
  struct Options {
    std::chrono::milliseconds flush_interval{10000};
    // Pauses after a failed flush: min_backoff doubling to max_backoff.
    std::chrono::milliseconds min_backoff{1000};
    std::chrono::milliseconds max_backoff{30000};
    // How long Stop keeps trying to write what is pending.
    std::chrono::milliseconds stop_deadline{10000};
  };

  // Connects and migrates ([storage]); nullptr for backend "none". Errors
  // name the key.
  static absl::StatusOr<std::unique_ptr<Storage>> Open(const config::StorageConfig& config);
  Storage(std::unique_ptr<Database> database, Options options);
  // Stop().
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  // What was stored: counts to restore, the API's access list entries, keys.
  absl::StatusOr<std::vector<StoredCount>> LoadCompleted();
  // The stored access list with the edits not yet written applied.
  absl::StatusOr<absl::flat_hash_set<InfoHash>> LoadAccessList();
  // The stored keys with the edits not yet written applied.
  absl::StatusOr<std::vector<StoredKey>> LoadKeys();
  // What `key` moved per torrent: the stored totals plus what is not yet
  // written. Sorted by info hash.
  absl::StatusOr<std::vector<KeyTransfer>> LoadKeyTransfers(const TrackerKey& key);

  // Starts the writer thread.
  void Start();
  // Stops the writer and writes what is pending, retrying until
  // stop_deadline; what still cannot be written is logged as lost.
  // Idempotent.
  void Stop();

  // Any thread, often under a swarm shard's lock: one download more.
  void CountCompletion(SwarmKind swarm, const InfoHash& info_hash);
  // Any thread: an access list edit of the API, written at once.
  void SetListed(const InfoHash& info_hash, bool listed);
  // Any thread: a key made, changed or revoked through the API, written at
  // once.
  void SetKey(const StoredKey& key, bool present);
  // Any thread, often under a lock of the transfer ledger: bytes and
  // completions of a key's announce, added up until the next flush.
  void AddTransfer(const TrackerKey& key, const KeyTransfer& added);

  // Writes what is pending now, on the calling thread.
  absl::Status Flush();

  // Whether the last write (or the connection at start) succeeded.
  bool healthy() const;
  // Changes held in memory, not yet written.
  size_t pending() const;
  std::string Describe() const { return description_; }
  // aquatic_storage_* metrics.
  void AddMetrics(PrometheusText* text) const;

 private:
  struct CountKey {
    SwarmKind swarm;
    InfoHash info_hash;
    bool operator==(const CountKey& other) const {
      return swarm == other.swarm && info_hash == other.info_hash;
    }
    template <typename H>
    friend H AbslHashValue(H state, const CountKey& key) {
      return H::combine(std::move(state), key.swarm, key.info_hash);
    }
  };

  struct TransferKey {
    TrackerKey key;
    InfoHash info_hash;
    bool operator==(const TransferKey& other) const {
      return key == other.key && info_hash == other.info_hash;
    }
    template <typename H>
    friend H AbslHashValue(H state, const TransferKey& transfer) {
      return H::combine(std::move(state), transfer.key, transfer.info_hash);
    }
  };

  void RunWriter();
  // Writes the unconfirmed batch (once), then takes what is pending and
  // writes it; a batch that fails becomes the unconfirmed one.
  absl::Status FlushPending();
  // `batch` unless the database already has it; database_mutex_ held.
  absl::Status WriteOnce(const Batch& batch);
  void NoteResult(const absl::Status& status, size_t written);

  const Options options_;
  const std::string description_;

  // Pending changes; never held while the database is written.
  mutable std::mutex pending_mutex_;
  absl::flat_hash_map<CountKey, uint64_t> pending_counts_;
  std::vector<Batch::Listing> pending_listings_;
  std::vector<Batch::KeyEdit> pending_keys_;
  absl::flat_hash_map<TransferKey, KeyTransfer> pending_transfers_;
  // An API edit is waiting: the writer flushes without waiting the interval.
  bool urgent_ = false;
  bool stopping_ = false;
  std::condition_variable wake_;

  // One user of the connection at a time (writer, loads, Stop); taken
  // before pending_mutex_ when both are.
  std::mutex database_mutex_;
  std::unique_ptr<Database> database_;
  // The batch of a failed write, kept as it was (same id) until it is known
  // to be in the database; database_mutex_.
  std::optional<Batch> unconfirmed_;
  std::atomic<size_t> unconfirmed_changes_{0};
  FastRandom batch_ids_{RandomSeed()};

  mutable std::mutex state_mutex_;
  bool healthy_ = true;
  uint64_t errors_ = 0;
  uint64_t flushes_ = 0;
  uint64_t written_ = 0;

  std::thread writer_;
  bool stopped_ = false;
};

}  // namespace aquatic::storage

#endif  // AQUATIC_TRACKER_STORAGE_STORAGE_H_
