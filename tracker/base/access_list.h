// AccessList: which info hashes a tracker serves ([access_list] mode and
// path): all (off), only those listed (allow), all but those listed (deny).
// The file holds one info hash a line as 40 hex digits; blank lines and lines
// starting with '#' are skipped.
//
// AccessListHolder shares the current list with the socket workers and swaps
// in a new one on reload (SIGUSR1) without stopping them; a bad file on reload
// keeps the old list. The list served is the file's entries plus those added
// through the management API (kept by the storage, so they survive restarts
// and edits of the file).
#ifndef AQUATIC_TRACKER_BASE_ACCESS_LIST_H_
#define AQUATIC_TRACKER_BASE_ACCESS_LIST_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tracker/base/info_hash.h"
#include "tracker/base/snapshot.h"

namespace aquatic {

enum class AccessListMode { kOff, kAllow, kDeny };

class AccessList {
 public:
  // Reads `path` unless `mode` is kOff. Errors name the file and line.
  static absl::StatusOr<std::shared_ptr<const AccessList>> Load(AccessListMode mode,
                                                                const std::string& path);
  // Parses file contents (`source` names them in errors).
  static absl::StatusOr<std::shared_ptr<const AccessList>> Parse(AccessListMode mode,
                                                                 absl::string_view contents,
                                                                 absl::string_view source);

  bool Allows(const InfoHash& info_hash) const {
    switch (mode_) {
      case AccessListMode::kOff: return true;
      case AccessListMode::kAllow: return hashes_.contains(info_hash);
      case AccessListMode::kDeny: return !hashes_.contains(info_hash);
    }
    return true;
  }
  bool Lists(const InfoHash& info_hash) const { return hashes_.contains(info_hash); }
  size_t size() const { return hashes_.size(); }
  AccessListMode mode() const { return mode_; }
  // Hashes listed here and not in `other`.
  size_t CountNotIn(const AccessList& other) const;
  // This list with `extra` hashes added.
  std::shared_ptr<const AccessList> With(const absl::flat_hash_set<InfoHash>& extra) const;

 private:
  AccessListMode mode_ = AccessListMode::kOff;
  absl::flat_hash_set<InfoHash> hashes_;
};

class AccessListHolder {
 public:
  // Keeps `path` as an AbsolutePath, so that a reload after the process
  // dropped privileges reads it through the chroot (PathForReading).
  AccessListHolder(AccessListMode mode, const std::string& path,
                   std::shared_ptr<const AccessList> list);

  // For the workers (through CachedAccessList): the list served now.
  const Snapshot<AccessList>& snapshot() const { return list_; }
  std::shared_ptr<const AccessList> Get() const { return list_.Get(); }

  // What a reload changed, for its log line.
  struct Change {
    size_t size = 0;
    size_t added = 0;
    size_t removed = 0;
  };

  // Re-reads the file; on error the current list stays and the error is
  // returned for logging.
  absl::StatusOr<Change> Reload();
  AccessListMode mode() const { return mode_; }

  // The entries managed through the API, replacing the previous ones (at
  // start, from the storage, and when the API asks for a reload).
  Change SetApiEntries(absl::flat_hash_set<InfoHash> entries);

  enum class Edit {
    kAdded,
    kRemoved,
    // Nothing to do: already an API entry (add), or not one (remove).
    kUnchanged,
    // Remove of a hash the file lists: only an edit of the file removes it.
    kInFile,
  };
  // Adds or removes an API entry; workers see the change at their next
  // request. `persist(listed)` runs when the API entries changed, under the
  // lock that orders edits, so that a storage sees them in the order they
  // were made (it must be quick and must not call back into the holder). A
  // remove of a hash the file lists is kInFile, and still removes (and
  // persists) an API entry of it.
  using Persist = std::function<void(bool listed)>;
  Edit AddApiEntry(const InfoHash& info_hash, const Persist& persist = nullptr);
  Edit RemoveApiEntry(const InfoHash& info_hash, const Persist& persist = nullptr);
  size_t api_entry_count() const;

 private:
  // Publishes the file's list plus the API entries; write_mutex_ held.
  Change Publish(std::shared_ptr<const AccessList> file_list);

  const AccessListMode mode_;
  const std::string path_;
  Snapshot<AccessList> list_;
  // Serializes the writers (signal reloads, the API); workers only read list_.
  mutable std::mutex write_mutex_;
  std::shared_ptr<const AccessList> file_list_;
  absl::flat_hash_set<InfoHash> api_entries_;
};

// A worker's view of an AccessListHolder: refreshes its snapshot only after a
// reload. Not thread-safe; one per worker.
class CachedAccessList : public CachedSnapshot<AccessList> {
 public:
  explicit CachedAccessList(const AccessListHolder* holder)
      : CachedSnapshot<AccessList>(&holder->snapshot()) {}
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_ACCESS_LIST_H_
