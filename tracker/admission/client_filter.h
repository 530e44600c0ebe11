// ClientFilter: which BitTorrent clients may announce ([client_filter] mode
// and path), by the prefix of their peer id (BEP 20: "-qB4650-", "-TR4060-",
// "-lt0D80-"): every client (off), only those matching a prefix (allow), all
// but those matching one (deny). The file holds one prefix a line, 1 to 20
// bytes; blank lines and lines starting with '#' are skipped, and spaces
// around a prefix are not part of it.
//
// ClientFilterHolder shares the current filter with the workers and swaps in
// a new one on reload (SIGUSR1, the API) without stopping them; a bad file
// keeps the old filter.
#ifndef AQUATIC_TRACKER_ADMISSION_CLIENT_FILTER_H_
#define AQUATIC_TRACKER_ADMISSION_CLIENT_FILTER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "tracker/base/snapshot.h"

namespace aquatic::admission {

enum class ClientFilterMode { kOff, kAllow, kDeny };

class ClientFilter {
 public:
  // Longest prefix: a whole peer id.
  static constexpr size_t kMaxPrefixLength = 20;

  // Reads `path` unless `mode` is kOff. Errors name the file and line.
  static absl::StatusOr<std::shared_ptr<const ClientFilter>> Load(ClientFilterMode mode,
                                                                  const std::string& path);
  // Parses file contents (`source` names them in errors).
  static absl::StatusOr<std::shared_ptr<const ClientFilter>> Parse(ClientFilterMode mode,
                                                                   absl::string_view contents,
                                                                   absl::string_view source);

  struct Verdict {
    bool allowed = true;
    // Refused in deny mode: the prefix that matched (valid while the filter
    // lives). Empty in allow mode, where no prefix matched.
    absl::string_view rule;
  };
  // At most one hash lookup per distinct prefix length in the file.
  Verdict Check(absl::Span<const uint8_t> peer_id) const;

  ClientFilterMode mode() const { return mode_; }
  size_t size() const { return prefixes_.size(); }
  // The prefixes, sorted (for the API).
  std::vector<std::string> Prefixes() const;

 private:
  // The longest listed prefix of `peer_id`, or nullopt.
  std::optional<absl::string_view> Match(absl::Span<const uint8_t> peer_id) const;

  ClientFilterMode mode_ = ClientFilterMode::kOff;
  absl::flat_hash_set<std::string> prefixes_;
  // Each length some prefix has, ascending.
  std::vector<size_t> lengths_;
};

class ClientFilterHolder {
 public:
  // Keeps `path` as an AbsolutePath (a reload after the privilege drop reads
  // it through the chroot).
  ClientFilterHolder(ClientFilterMode mode, const std::string& path,
                     std::shared_ptr<const ClientFilter> filter);

  const Snapshot<ClientFilter>& snapshot() const { return filter_; }
  std::shared_ptr<const ClientFilter> Get() const { return filter_.Get(); }
  ClientFilterMode mode() const { return mode_; }

  // Re-reads the file and returns how many prefixes it has; on error the
  // current filter stays.
  absl::StatusOr<size_t> Reload();

 private:
  const ClientFilterMode mode_;
  const std::string path_;
  std::mutex reload_mutex_;
  Snapshot<ClientFilter> filter_;
};

// Loads [client_filter]; errors name the key.
absl::StatusOr<std::unique_ptr<ClientFilterHolder>> LoadClientFilter(ClientFilterMode mode,
                                                                     const std::string& path);

}  // namespace aquatic::admission

#endif  // AQUATIC_TRACKER_ADMISSION_CLIENT_FILTER_H_
