// ApiHandler: answers the management API's requests (api_request.h) from a
// tracker process's Runtime: its swarms, access list, private keys, client
// filter, storage and front-ends. Bodies are JSON (the statistics page HTML); errors are
// {"error": "..."} with 400 naming the field, 401 without a valid token, 404,
// 405 and 409.
//
// Tokens are compared in constant time: each configured token is kept as
// its SHA-256 digest, and a request's token is hashed and compared with
// every digest with CRYPTO_memcmp, so neither the position of the first
// differing byte nor the length of a token shows in the time taken. Tokens
// are never logged.
//
// Thread-safe: the engines, the access list and the storage are; the
// handler itself is read-only after construction.
#ifndef AQUATIC_TRACKER_API_API_HANDLER_H_
#define AQUATIC_TRACKER_API_API_HANDLER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tracker/base/config/common.pb.h"
#include "tracker/base/tracker_key.h"
#include "tracker/server/http/http_exchange.h"
#include "tracker/server/runtime.h"

namespace aquatic::api {

struct ApiAnswer {
  int status = 200;
  absl::string_view content_type = "application/json";
  std::string body;
};

class ApiHandler {
 public:
  // `runtime` outlives the handler.
  ApiHandler(Runtime* runtime, const config::ApiConfig& config);

  ApiAnswer Handle(const http::RequestHead& request);

  // Most peers /api/v1/torrent/{info_hash} lists.
  static constexpr size_t kMaxListedPeers = 1000;

 private:
  bool Authorized(absl::string_view token) const;

  ApiAnswer Stats() const;
  ApiAnswer Torrent(const InfoHash& info_hash) const;
  ApiAnswer Torrents(uint64_t offset, uint64_t limit) const;
  ApiAnswer EditAccessList(const InfoHash& info_hash, bool listed);
  ApiAnswer ReloadAccessList();
  ApiAnswer AddKey(uint64_t seconds_valid, const std::optional<TrackerKey>& key);
  ApiAnswer RevokeKey(const TrackerKey& key);
  ApiAnswer KeyStats(const TrackerKey& key) const;
  ApiAnswer Keys() const;
  ApiAnswer ReloadKeys();
  ApiAnswer ClientFilter() const;
  ApiAnswer ReloadClientFilter();
  ApiAnswer StatisticsPage() const;

  Runtime* runtime_;
  std::vector<std::array<uint8_t, 32>> token_digests_;
  bool public_statistics_page_;
};

}  // namespace aquatic::api

#endif  // AQUATIC_TRACKER_API_API_HANDLER_H_
