// Where a private tracker's key sits in a URL path: torrust's
// `/announce/KEY`, the `/KEY/announce` of XBT and Ocelot passkeys, the same
// for scrape, and `/KEY` for a WebTorrent socket. One rule for the HTTP
// request target, the BEP 41 URL data of a UDP announce and the WebSocket
// upgrade target.
#ifndef AQUATIC_TRACKER_ADMISSION_KEY_PATH_H_
#define AQUATIC_TRACKER_ADMISSION_KEY_PATH_H_

#include "absl/strings/string_view.h"

namespace aquatic::admission {

struct KeyedPath {
  // "/announce", "/scrape", "/" (nothing but a key, or nothing), or "" when
  // the path is none of these shapes.
  absl::string_view route;
  // The segment beside the route, unchecked (ParseTrackerKey decides); empty
  // when the path has none.
  absl::string_view key;
};

// `path` without its query (anything from '?' is ignored). A trailing '/' is
// not a segment.
KeyedPath SplitKeyedPath(absl::string_view path);

}  // namespace aquatic::admission

#endif  // AQUATIC_TRACKER_ADMISSION_KEY_PATH_H_
