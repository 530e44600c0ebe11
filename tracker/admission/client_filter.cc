#include "tracker/admission/client_filter.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tracker/base/privileges.h"

namespace aquatic::admission {

absl::StatusOr<std::shared_ptr<const ClientFilter>> ClientFilter::Parse(ClientFilterMode mode,
                                                                        absl::string_view contents,
                                                                        absl::string_view source) {
  auto filter = std::make_shared<ClientFilter>();
  filter->mode_ = mode;
  if (mode == ClientFilterMode::kOff) return std::shared_ptr<const ClientFilter>(filter);
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    if (line.size() > kMaxPrefixLength) {
      return absl::InvalidArgumentError(absl::StrCat(source, ":", line_number,
                                                     ": a peer id prefix is at most ",
                                                     kMaxPrefixLength, " bytes: '",
                                                     line.substr(0, 64), "'"));
    }
    filter->prefixes_.insert(std::string(line));
    if (std::find(filter->lengths_.begin(), filter->lengths_.end(), line.size()) ==
        filter->lengths_.end()) {
      filter->lengths_.push_back(line.size());
    }
  }
  std::sort(filter->lengths_.begin(), filter->lengths_.end());
  return std::shared_ptr<const ClientFilter>(filter);
}

absl::StatusOr<std::shared_ptr<const ClientFilter>> ClientFilter::Load(ClientFilterMode mode,
                                                                       const std::string& path) {
  if (mode == ClientFilterMode::kOff) return Parse(mode, "", path);
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat(path, ": cannot open the client filter"));
  std::stringstream contents;
  contents << file.rdbuf();
  return Parse(mode, contents.str(), path);
}

std::optional<absl::string_view> ClientFilter::Match(absl::Span<const uint8_t> peer_id) const {
  const absl::string_view id(reinterpret_cast<const char*>(peer_id.data()), peer_id.size());
  // Longest first: in a deny file listing "-qB" and "-qB4650-", a refusal
  // names the most specific rule.
  for (auto length = lengths_.rbegin(); length != lengths_.rend(); ++length) {
    if (*length > id.size()) continue;
    auto found = prefixes_.find(id.substr(0, *length));
    if (found != prefixes_.end()) return absl::string_view(*found);
  }
  return std::nullopt;
}

ClientFilter::Verdict ClientFilter::Check(absl::Span<const uint8_t> peer_id) const {
  switch (mode_) {
    case ClientFilterMode::kOff: return Verdict{};
    case ClientFilterMode::kAllow: return Verdict{Match(peer_id).has_value(), {}};
    case ClientFilterMode::kDeny: {
      const std::optional<absl::string_view> rule = Match(peer_id);
      return rule.has_value() ? Verdict{false, *rule} : Verdict{};
    }
  }
  return Verdict{};
}

std::vector<std::string> ClientFilter::Prefixes() const {
  std::vector<std::string> prefixes(prefixes_.begin(), prefixes_.end());
  std::sort(prefixes.begin(), prefixes.end());
  return prefixes;
}

ClientFilterHolder::ClientFilterHolder(ClientFilterMode mode, const std::string& path,
                                       std::shared_ptr<const ClientFilter> filter)
    : mode_(mode),
      path_(mode == ClientFilterMode::kOff ? path : AbsolutePath(path)),
      filter_(std::move(filter)) {}

absl::StatusOr<size_t> ClientFilterHolder::Reload() {
  std::lock_guard<std::mutex> lock(reload_mutex_);
  absl::StatusOr<std::shared_ptr<const ClientFilter>> filter =
      ClientFilter::Load(mode_, PathForReading(path_));
  if (!filter.ok()) return filter.status();
  const size_t size = (*filter)->size();
  filter_.Publish(*std::move(filter));
  return size;
}

absl::StatusOr<std::unique_ptr<ClientFilterHolder>> LoadClientFilter(ClientFilterMode mode,
                                                                     const std::string& path) {
  absl::StatusOr<std::shared_ptr<const ClientFilter>> filter = ClientFilter::Load(mode, path);
  if (!filter.ok()) {
    return absl::Status(filter.status().code(),
                        absl::StrCat("[client_filter] path: ", filter.status().message()));
  }
  return std::make_unique<ClientFilterHolder>(mode, path, *std::move(filter));
}

}  // namespace aquatic::admission
