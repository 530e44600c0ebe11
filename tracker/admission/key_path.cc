#include "tracker/admission/key_path.h"

namespace aquatic::admission {
namespace {

constexpr absl::string_view kAnnounce = "announce";
constexpr absl::string_view kScrape = "scrape";

// "/announce" for "announce", "/scrape" for "scrape", else "".
absl::string_view RouteOf(absl::string_view segment) {
  if (segment == kAnnounce) return "/announce";
  if (segment == kScrape) return "/scrape";
  return "";
}

}  // namespace

KeyedPath SplitKeyedPath(absl::string_view path) {
  path = path.substr(0, path.find('?'));
  if (path.empty() || path[0] != '/') return KeyedPath{};
  path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const size_t slash = path.find('/');
  if (slash == absl::string_view::npos) {
    // "/announce", "/KEY" or "/".
    const absl::string_view route = RouteOf(path);
    if (!route.empty()) return KeyedPath{route, {}};
    return KeyedPath{"/", path};
  }
  const absl::string_view first = path.substr(0, slash);
  const absl::string_view second = path.substr(slash + 1);
  if (first.empty() || second.empty() || second.find('/') != absl::string_view::npos) {
    return KeyedPath{};
  }
  if (absl::string_view route = RouteOf(first); !route.empty()) return KeyedPath{route, second};
  if (absl::string_view route = RouteOf(second); !route.empty()) return KeyedPath{route, first};
  return KeyedPath{};
}

}  // namespace aquatic::admission
