// The keys of a private tracker ([private] mode = "keys"): which exist and
// until when each is valid.
//
// KeySet is an immutable snapshot the workers read: checking a key on the
// announce path is one hash lookup, with no lock. KeyRegistry is the one
// writer: it makes, imports and revokes keys for the management API, and
// publishes a new snapshot for each change, so a revoked key is refused by
// every worker from its next request on. Each change is handed to a persist
// callback (the storage) under the registry's lock, so that changes reach
// the database in the order they were made.
#ifndef AQUATIC_TRACKER_ADMISSION_KEY_REGISTRY_H_
#define AQUATIC_TRACKER_ADMISSION_KEY_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "tracker/base/huge_pages.h"
#include "tracker/base/snapshot.h"
#include "tracker/base/tracker_key.h"

namespace aquatic::admission {

// valid_until: Unix seconds after which the key is refused; 0 never expires.
struct KeyValidity {
  TrackerKey key;
  uint64_t valid_until = 0;
};

enum class KeyStatus { kValid, kUnknown, kExpired };

class KeySet {
 public:
  KeySet() = default;
  explicit KeySet(const std::vector<KeyValidity>& keys);

  KeyStatus Check(const TrackerKey& key, uint64_t unix_now) const {
    auto found = keys_.find(key);
    if (found == keys_.end()) return KeyStatus::kUnknown;
    return found->second != 0 && unix_now > found->second ? KeyStatus::kExpired
                                                          : KeyStatus::kValid;
  }
  // A hint that `key` is checked soon: starts loading its entry.
  void Prefetch(const TrackerKey& key) const { keys_.prefetch(key); }
  // The key's valid_until, or nullopt when there is no such key.
  std::optional<uint64_t> Find(const TrackerKey& key) const;
  size_t size() const { return keys_.size(); }
  // Every key, sorted (for the API).
  std::vector<KeyValidity> List() const;

 private:
  friend class KeyRegistry;
  // On huge pages once it is large (100 000 keys take 5 MiB): every announce
  // looks up a key at random.
  absl::flat_hash_map<TrackerKey, uint64_t, absl::Hash<TrackerKey>, std::equal_to<TrackerKey>,
                      HugePageAllocator<std::pair<const TrackerKey, uint64_t>>>
      keys_;
};

class KeyRegistry {
 public:
  // `persist(key, valid_until, present)` is called for every change, under
  // the registry's lock; it must be quick and must not call back. May be
  // null (no storage).
  using Persist = std::function<void(const KeyValidity& key, bool present)>;
  explicit KeyRegistry(Persist persist);

  const Snapshot<KeySet>& snapshot() const { return keys_; }
  std::shared_ptr<const KeySet> Get() const { return keys_.Get(); }

  // Replaces every key (from the storage at start and on the API's reload);
  // nothing is persisted.
  void SetAll(const std::vector<KeyValidity>& keys);
  // Adds `key` (a new random one when nullopt) or changes its validity.
  KeyValidity Put(std::optional<TrackerKey> key, uint64_t valid_until);
  // False when there was no such key.
  bool Revoke(const TrackerKey& key);

 private:
  // Copies the current set, applies `edit`, publishes; mutex_ held.
  void Edit(const std::function<void(KeySet&)>& edit);

  const Persist persist_;
  // Orders the writers (API requests on several threads).
  std::mutex mutex_;
  Snapshot<KeySet> keys_;
};

}  // namespace aquatic::admission

#endif  // AQUATIC_TRACKER_ADMISSION_KEY_REGISTRY_H_
