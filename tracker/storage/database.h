// Database: what the tracker keeps across restarts, over any SqlConnection:
//
//   aquatic_torrents       completed downloads per (swarm, info hash)
//   aquatic_access_list    info hashes listed through the management API
//   aquatic_flushes        the ids of the batches written (the last week)
//   aquatic_keys           the keys of a private tracker and their expiry
//   aquatic_key_transfers  bytes up and down and completions per (key,
//                          info hash), added up from announces
//   aquatic_schema_version the schema's version, for forward migrations
//
// Completed counts are written as increments (completed = completed + n), so
// a count the database holds is never overwritten by a smaller one from
// memory, and trackers that share a database add up. Info hashes are 40
// lowercase hex digits: readable in a database shell, the same in every
// backend.
#ifndef AQUATIC_TRACKER_STORAGE_DATABASE_H_
#define AQUATIC_TRACKER_STORAGE_DATABASE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tracker/base/config/common.pb.h"
#include "tracker/base/info_hash.h"
#include "tracker/base/tracker_key.h"
#include "tracker/storage/sql_connection.h"

namespace aquatic::storage {

// The swarm engine a count belongs to: UDP and HTTP peers share one, the
// WebTorrent peers have their own (tracker/server/swarms.h).
enum class SwarmKind : uint8_t { kIp, kWebTorrent };
// "ip", "webtorrent": its name in the database and in metric labels.
absl::string_view SwarmKindName(SwarmKind swarm);

struct StoredCount {
  SwarmKind swarm;
  InfoHash info_hash;
  uint64_t completed;
};

struct StoredKey {
  TrackerKey key;
  // Unix seconds; 0 never expires.
  uint64_t valid_until;
};

// What a key's peers moved on one torrent.
struct KeyTransfer {
  InfoHash info_hash;
  uint64_t uploaded = 0;
  uint64_t downloaded = 0;
  uint64_t completed = 0;
};

// What one flush writes, in one transaction.
struct Batch {
  // Random, not 0: recorded with the batch, so that a writer that lost the
  // answer to its COMMIT can ask whether the batch is in (WasWritten) instead
  // of adding its counts twice. 0: not recorded.
  int64_t id = 0;
  struct Completed {
    SwarmKind swarm;
    InfoHash info_hash;
    // Downloads counted since the last successful flush.
    uint64_t added;
  };
  struct Listing {
    InfoHash info_hash;
    // Added to (true) or removed from (false) the access list.
    bool listed;
  };
  struct KeyEdit {
    StoredKey key;
    // Made or changed (true), revoked (false).
    bool present;
  };
  struct Transfer {
    TrackerKey key;
    // Added to the stored totals.
    KeyTransfer added;
  };
  std::vector<Completed> completed;
  // In the order they were made.
  std::vector<Listing> access_list;
  std::vector<KeyEdit> keys;
  std::vector<Transfer> transfers;

  bool empty() const { return size() == 0; }
  size_t size() const {
    return completed.size() + access_list.size() + keys.size() + transfers.size();
  }
};

class Database {
 public:
  // The newest schema version this binary knows.
  static constexpr int kSchemaVersion = 3;

  // Connects to the [storage] backend and brings its schema to
  // kSchemaVersion. Errors name the key ("[storage] url: ..."). nullptr
  // for backend "none".
  static absl::StatusOr<std::unique_ptr<Database>> Open(const config::StorageConfig& config);
  // Over an open connection; migrates the schema.
  static absl::StatusOr<std::unique_ptr<Database>> Over(std::unique_ptr<SqlConnection> connection);

  // Every stored count. Rows this binary cannot read (an unknown swarm, a
  // damaged hash) are skipped and counted in `*skipped`.
  absl::StatusOr<std::vector<StoredCount>> LoadCompleted(size_t* skipped = nullptr);
  absl::StatusOr<absl::flat_hash_set<InfoHash>> LoadAccessList();
  // Every key; unreadable rows are skipped and counted in `*skipped`.
  absl::StatusOr<std::vector<StoredKey>> LoadKeys(size_t* skipped = nullptr);
  // What `key` moved, per torrent, sorted by info hash.
  absl::StatusOr<std::vector<KeyTransfer>> LoadKeyTransfers(const TrackerKey& key);
  // All of `batch` or none of it.
  absl::Status Write(const Batch& batch);
  // Whether a batch with this id was written (in the last week).
  absl::StatusOr<bool> WasWritten(int64_t batch_id);

  std::string Describe() const { return connection_->Describe(); }

 private:
  explicit Database(std::unique_ptr<SqlConnection> connection)
      : connection_(std::move(connection)) {}
  absl::Status Migrate();
  absl::Status InTransaction(const std::function<absl::Status()>& work);

  std::unique_ptr<SqlConnection> connection_;
};

}  // namespace aquatic::storage

#endif  // AQUATIC_TRACKER_STORAGE_DATABASE_H_
