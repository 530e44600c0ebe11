#include "tracker/base/access_list.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
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
    const bool hex = line.size() == 40 && std::all_of(line.begin(), line.end(), [](char c) {
      return absl::ascii_isxdigit(static_cast<unsigned char>(c));
    });
    if (!hex) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ":", line_number, ": not an info hash of 40 hex digits: '",
          line.substr(0, 64), "'"));
    }
    const std::string bytes = absl::HexStringToBytes(line);
    InfoHash hash;
    std::copy(bytes.begin(), bytes.end(), hash.begin());
    list->hashes_.insert(hash);
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

AccessListHolder::AccessListHolder(AccessListMode mode, const std::string& path,
                                   std::shared_ptr<const AccessList> list)
    : mode_(mode),
      path_(mode == AccessListMode::kOff ? path : AbsolutePath(path)),
      list_(std::move(list)) {}

absl::StatusOr<AccessListHolder::Change> AccessListHolder::Reload() {
  absl::StatusOr<std::shared_ptr<const AccessList>> list =
      AccessList::Load(mode_, PathForReading(path_));
  if (!list.ok()) return list.status();
  const std::shared_ptr<const AccessList> old = Get();
  Change change{(*list)->size(), (*list)->CountNotIn(*old), old->CountNotIn(**list)};
  std::atomic_store(&list_, *std::move(list));
  generation_.fetch_add(1, std::memory_order_release);
  return change;
}

}  // namespace aquatic
