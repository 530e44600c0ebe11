#include "tracker/api/api_request.h"

#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "codec/runtime/query_string.h"

namespace aquatic::api {
namespace {

// A token is configured text; anything longer is not one of them.
constexpr size_t kMaxTokenLength = 256;

Route Error(int status, std::string message) {
  Route route;
  route.error_status = status;
  route.error = std::move(message);
  return route;
}

Route MethodNotAllowed(absl::string_view allowed) {
  return Error(405, absl::StrCat("method not allowed; use ", allowed));
}

// Reads the query parameters every route may take (token) and those of
// /torrents; others are ignored, as torrust's clients may send more.
bool ReadQuery(absl::string_view query, Route* route) {
  codec::QueryReader reader(query);
  absl::string_view key;
  absl::string_view value;
  while (reader.Next(&key, &value)) {
    if (key == "token") {
      if (!codec::PercentDecodeToString(value, kMaxTokenLength, &route->request.query_token)) {
        *route = Error(400, "token: not a token");
        return false;
      }
    } else if (key == "offset") {
      uint64_t offset = 0;
      if (!codec::ParseDecimal(value, &offset) || offset > kMaxOffset) {
        *route = Error(400, absl::StrCat("offset: not an integer from 0 to ", kMaxOffset));
        return false;
      }
      route->request.offset = offset;
    } else if (key == "key") {
      std::string text;
      std::optional<TrackerKey> parsed;
      if (codec::PercentDecodeToString(value, TrackerKey::kLength, &text)) {
        parsed = ParseTrackerKey(text);
      }
      if (!parsed.has_value()) {
        *route = Error(400, "key: not 32 letters and digits");
        return false;
      }
      route->request.key = *parsed;
    } else if (key == "limit") {
      uint64_t limit = 0;
      if (!codec::ParseDecimal(value, &limit) || limit > kMaxPageSize) {
        *route = Error(400, absl::StrCat("limit: not an integer from 0 to ", kMaxPageSize));
        return false;
      }
      route->request.limit = limit;
    }
  }
  return true;
}

// /api/v1/key/{rest}: POST {seconds_valid}, DELETE {key}, GET {key}/stats.
Route RouteKey(http::Method method, absl::string_view rest, Route route) {
  ApiRequest& request = route.request;
  if (method == http::Method::kPost) {
    request.endpoint = Endpoint::kKeyAdd;
    if (!codec::ParseDecimal(rest, &request.seconds_valid) ||
        request.seconds_valid > kMaxSecondsValid) {
      return Error(400, absl::StrCat("seconds_valid: not an integer from 0 (never expires) to ",
                                     kMaxSecondsValid));
    }
    return route;
  }
  constexpr absl::string_view kStatsSuffix = "/stats";
  absl::string_view key_text = rest;
  if (absl::EndsWith(rest, kStatsSuffix)) {
    if (method != http::Method::kGet) return MethodNotAllowed("GET");
    request.endpoint = Endpoint::kKeyStats;
    key_text.remove_suffix(kStatsSuffix.size());
  } else if (method == http::Method::kDelete) {
    request.endpoint = Endpoint::kKeyRevoke;
  } else {
    return MethodNotAllowed("POST (/api/v1/key/{seconds_valid}) or DELETE");
  }
  request.key = ParseTrackerKey(key_text);
  if (!request.key.has_value()) return Error(400, "key: not 32 letters and digits");
  return route;
}

}  // namespace

Route RouteRequest(http::Method method, absl::string_view target) {
  const size_t question = target.find('?');
  const absl::string_view path = target.substr(0, question);
  const absl::string_view query =
      question == absl::string_view::npos ? absl::string_view() : target.substr(question + 1);
  Route route;
  if (!ReadQuery(query, &route)) return route;
  ApiRequest& request = route.request;
  const bool get = method == http::Method::kGet;

  if (path == "/health" || path == "/api/health_check") {
    if (!get) return MethodNotAllowed("GET");
    request.endpoint = Endpoint::kHealth;
    return route;
  }
  if (path == "/stats") {
    if (!get) return MethodNotAllowed("GET");
    request.endpoint = Endpoint::kStatisticsPage;
    return route;
  }
  if (path == "/api/v1/stats") {
    if (!get) return MethodNotAllowed("GET");
    request.endpoint = Endpoint::kStats;
    return route;
  }
  if (path == "/api/v1/torrents") {
    if (!get) return MethodNotAllowed("GET");
    request.endpoint = Endpoint::kTorrents;
    return route;
  }
  if (path == "/api/v1/whitelist/reload") {
    if (!get) return MethodNotAllowed("GET");
    request.endpoint = Endpoint::kWhitelistReload;
    return route;
  }
  if (path == "/api/v1/keys" || path == "/api/v1/keys/reload") {
    if (!get) return MethodNotAllowed("GET");
    request.endpoint = path == "/api/v1/keys" ? Endpoint::kKeys : Endpoint::kKeysReload;
    return route;
  }
  if (path == "/api/v1/client-filter" || path == "/api/v1/client-filter/reload") {
    if (!get) return MethodNotAllowed("GET");
    request.endpoint =
        path == "/api/v1/client-filter" ? Endpoint::kClientFilter : Endpoint::kClientFilterReload;
    return route;
  }
  constexpr absl::string_view kKeyPrefix = "/api/v1/key/";
  if (absl::StartsWith(path, kKeyPrefix)) return RouteKey(method, path.substr(kKeyPrefix.size()),
                                                          std::move(route));
  constexpr absl::string_view kTorrentPrefix = "/api/v1/torrent/";
  constexpr absl::string_view kWhitelistPrefix = "/api/v1/whitelist/";
  absl::string_view hash_text;
  if (absl::StartsWith(path, kTorrentPrefix)) {
    if (!get) return MethodNotAllowed("GET");
    request.endpoint = Endpoint::kTorrent;
    hash_text = path.substr(kTorrentPrefix.size());
  } else if (absl::StartsWith(path, kWhitelistPrefix)) {
    if (method == http::Method::kPost) {
      request.endpoint = Endpoint::kWhitelistAdd;
    } else if (method == http::Method::kDelete) {
      request.endpoint = Endpoint::kWhitelistRemove;
    } else {
      return MethodNotAllowed("POST or DELETE");
    }
    hash_text = path.substr(kWhitelistPrefix.size());
  } else {
    return Error(404, "no such path");
  }
  std::optional<InfoHash> info_hash = ParseInfoHashHex(hash_text);
  if (!info_hash) return Error(400, "info_hash: not 40 hex digits");
  request.info_hash = *info_hash;
  return route;
}

bool IsPublic(Endpoint endpoint, bool public_statistics_page) {
  return endpoint == Endpoint::kHealth ||
         (endpoint == Endpoint::kStatisticsPage && public_statistics_page);
}

absl::string_view BearerToken(absl::string_view authorization) {
  constexpr absl::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme)) {
    return "";
  }
  return absl::StripAsciiWhitespace(authorization.substr(kScheme.size()));
}

}  // namespace aquatic::api
