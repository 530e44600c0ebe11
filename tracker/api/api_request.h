// The management API's routes: what a request (method and target) asks for,
// with its path and query parameters checked, or the error that answers it.
// No I/O and no tracker state: the fuzz target drives it with any bytes.
//
// Paths are torrust-tracker's where it has one, so its clients work:
//   GET    /health, /api/health_check         liveness, no token
//   GET    /api/v1/stats                      counts and request totals
//   GET    /api/v1/torrent/{info_hash}        counts and peers of one torrent
//   GET    /api/v1/torrents?offset=&limit=    counts, sorted by info hash
//   POST   /api/v1/whitelist/{info_hash}      add to the access list
//   DELETE /api/v1/whitelist/{info_hash}      remove from it
//   GET    /api/v1/whitelist/reload           re-read [access_list] path
//   POST   /api/v1/key/{seconds_valid}        make a key (0: never expires);
//                                             ?key=KEY imports an existing one
//   DELETE /api/v1/key/{key}                  revoke a key
//   GET    /api/v1/key/{key}/stats            a key's transfers per torrent
//   GET    /api/v1/keys                       every key and its expiry
//   GET    /api/v1/keys/reload                re-read the keys from [storage]
//   GET    /api/v1/client-filter              [client_filter] mode and prefixes
//   GET    /api/v1/client-filter/reload       re-read [client_filter] path
//   GET    /stats                             the statistics page (HTML)
// Info hashes are 40 hex digits. `token` in the query is torrust's way to
// send the token; Authorization: Bearer is the other.
#ifndef AQUATIC_TRACKER_API_API_REQUEST_H_
#define AQUATIC_TRACKER_API_API_REQUEST_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "tracker/base/info_hash.h"
#include "tracker/base/tracker_key.h"
#include "tracker/server/http/http_exchange.h"

namespace aquatic::api {

enum class Endpoint {
  kHealth,
  kStats,
  kTorrent,
  kTorrents,
  kWhitelistAdd,
  kWhitelistRemove,
  kWhitelistReload,
  kKeyAdd,
  kKeyRevoke,
  kKeyStats,
  kKeys,
  kKeysReload,
  kClientFilter,
  kClientFilterReload,
  kStatisticsPage,
};

// Longest validity a key can be made with: 100 years.
inline constexpr uint64_t kMaxSecondsValid = 100ull * 365 * 24 * 3600;

// Most torrents one /api/v1/torrents page holds (torrust's limit), and the
// page size when `limit` is not given.
inline constexpr uint64_t kMaxPageSize = 4000;
// Deepest page: the listing keeps offset + limit torrents at a time.
inline constexpr uint64_t kMaxOffset = 1000000;

struct ApiRequest {
  Endpoint endpoint = Endpoint::kHealth;
  // kTorrent, kWhitelistAdd, kWhitelistRemove.
  InfoHash info_hash{};
  // kKeyAdd (its seconds_valid and, to import a key, ?key=), kKeyRevoke,
  // kKeyStats.
  uint64_t seconds_valid = 0;
  std::optional<TrackerKey> key;
  // kTorrents.
  uint64_t offset = 0;
  uint64_t limit = kMaxPageSize;
  // The `token` query parameter, decoded ("" when absent).
  std::string query_token;
};

struct Route {
  // 0 when `request` holds the route; else the HTTP status (400, 404, 405)
  // and the message of the JSON error, naming the field for a 400.
  int error_status = 0;
  std::string error;
  ApiRequest request;
};

Route RouteRequest(http::Method method, absl::string_view target);

// Whether `endpoint` answers without a token (health; the statistics page
// when the operator made it public).
bool IsPublic(Endpoint endpoint, bool public_statistics_page);

// The token of "Bearer TOKEN" (scheme case-insensitive), or "".
absl::string_view BearerToken(absl::string_view authorization);

}  // namespace aquatic::api

#endif  // AQUATIC_TRACKER_API_API_REQUEST_H_
