#include "tracker/base/access_list.h"

#include <fstream>
#include <optional>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tracker/base/privileges.h"

namespace aquatic {

absl::StatusOr<std::shared_ptr<const AccessList>> AccessList::Parse(AccessListMode mode,
                                                                    absl::string_view contents,
                                                                    absl::string_view source) {
  auto list = std::make_shared<AccessList>();
  list->mode_ = mode;
  if (mode == AccessListMode::kOff) return std::shared_ptr<const AccessList>(std::move(list));
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const std::optional<InfoHash> hash = ParseInfoHashHex(line);
    if (!hash.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ":", line_number, ": not an info hash of 40 hex digits: '",
          line.substr(0, 64), "'"));
    }
    list->hashes_.insert(*hash);
  }
  return std::shared_ptr<const AccessList>(std::move(list));
}

absl::StatusOr<std::shared_ptr<const AccessList>> AccessList::Load(AccessListMode mode,
                                                                   const std::string& path) {
  if (mode == AccessListMode::kOff) return Parse(mode, "", path);
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat(path, ": cannot open the access list"));
  std::stringstream contents;
  contents << file.rdbuf();
  return Parse(mode, contents.str(), path);
}

size_t AccessList::CountNotIn(const AccessList& other) const {
  size_t count = 0;
  for (const InfoHash& hash : hashes_) count += other.hashes_.contains(hash) ? 0 : 1;
  return count;
}

std::shared_ptr<const AccessList> AccessList::With(
    const absl::flat_hash_set<InfoHash>& extra) const {
  auto list = std::make_shared<AccessList>(*this);
  list->hashes_.insert(extra.begin(), extra.end());
  return list;
}

AccessListHolder::AccessListHolder(AccessListMode mode, const std::string& path,
                                   std::shared_ptr<const AccessList> list)
    : mode_(mode),
      path_(mode == AccessListMode::kOff ? path : AbsolutePath(path)),
      list_(list),
      file_list_(std::move(list)) {}

AccessListHolder::Change AccessListHolder::Publish(std::shared_ptr<const AccessList> file_list) {
  std::shared_ptr<const AccessList> list =
      api_entries_.empty() ? file_list : file_list->With(api_entries_);
  const std::shared_ptr<const AccessList> old = Get();
  Change change{list->size(), list->CountNotIn(*old), old->CountNotIn(*list)};
  file_list_ = std::move(file_list);
  list_.Publish(std::move(list));
  return change;
}

absl::StatusOr<AccessListHolder::Change> AccessListHolder::Reload() {
  absl::StatusOr<std::shared_ptr<const AccessList>> list =
      AccessList::Load(mode_, PathForReading(path_));
  if (!list.ok()) return list.status();
  std::lock_guard<std::mutex> lock(write_mutex_);
  return Publish(*std::move(list));
}

AccessListHolder::Change AccessListHolder::SetApiEntries(absl::flat_hash_set<InfoHash> entries) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  api_entries_ = std::move(entries);
  return Publish(file_list_);
}

AccessListHolder::Edit AccessListHolder::AddApiEntry(const InfoHash& info_hash,
                                                    const Persist& persist) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  if (!api_entries_.insert(info_hash).second) return Edit::kUnchanged;
  if (persist) persist(true);
  Publish(file_list_);
  return Edit::kAdded;
}

AccessListHolder::Edit AccessListHolder::RemoveApiEntry(const InfoHash& info_hash,
                                                       const Persist& persist) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  if (api_entries_.erase(info_hash) == 0) {
    return file_list_->Lists(info_hash) ? Edit::kInFile : Edit::kUnchanged;
  }
  if (persist) persist(false);
  Publish(file_list_);
  return file_list_->Lists(info_hash) ? Edit::kInFile : Edit::kRemoved;
}

size_t AccessListHolder::api_entry_count() const {
  std::lock_guard<std::mutex> lock(write_mutex_);
  return api_entries_.size();
}

}  // namespace aquatic
