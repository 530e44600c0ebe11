#include "tracker/admission/key_registry.h"

#include <algorithm>
#include <utility>

namespace aquatic::admission {

KeySet::KeySet(const std::vector<KeyValidity>& keys) {
  keys_.reserve(keys.size());
  for (const KeyValidity& key : keys) keys_[key.key] = key.valid_until;
}

std::optional<uint64_t> KeySet::Find(const TrackerKey& key) const {
  auto found = keys_.find(key);
  if (found == keys_.end()) return std::nullopt;
  return found->second;
}

std::vector<KeyValidity> KeySet::List() const {
  std::vector<KeyValidity> keys;
  keys.reserve(keys_.size());
  for (const auto& [key, valid_until] : keys_) keys.push_back({key, valid_until});
  std::sort(keys.begin(), keys.end(), [](const KeyValidity& a, const KeyValidity& b) {
    return a.key.chars < b.key.chars;
  });
  return keys;
}

KeyRegistry::KeyRegistry(Persist persist)
    : persist_(std::move(persist)), keys_(std::make_shared<const KeySet>()) {}

void KeyRegistry::SetAll(const std::vector<KeyValidity>& keys) {
  std::lock_guard<std::mutex> lock(mutex_);
  keys_.Publish(std::make_shared<const KeySet>(keys));
}

void KeyRegistry::Edit(const std::function<void(KeySet&)>& edit) {
  // Copy on write: an edit costs a copy of the set (milliseconds for a
  // hundred thousand keys), which keeps every read free of locks.
  auto next = std::make_shared<KeySet>(*keys_.Get());
  edit(*next);
  keys_.Publish(std::move(next));
}

KeyValidity KeyRegistry::Put(std::optional<TrackerKey> key, uint64_t valid_until) {
  std::lock_guard<std::mutex> lock(mutex_);
  KeyValidity entry{key.has_value() ? *key : NewTrackerKey(), valid_until};
  Edit([&entry](KeySet& set) { set.keys_[entry.key] = entry.valid_until; });
  if (persist_) persist_(entry, true);
  return entry;
}

bool KeyRegistry::Revoke(const TrackerKey& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::optional<uint64_t> valid_until = keys_.Get()->Find(key);
  if (!valid_until.has_value()) return false;
  Edit([&key](KeySet& set) { set.keys_.erase(key); });
  if (persist_) persist_(KeyValidity{key, *valid_until}, false);
  return true;
}

}  // namespace aquatic::admission
