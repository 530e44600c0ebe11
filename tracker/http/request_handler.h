// HttpRequestHandler: answers one tracker request target (`/announce?...`,
// `/scrape?...`) for a peer address, using the generated HTTP codec and the
// swarm engine. No I/O: the Beast sessions call it, and so do the tests and
// the fuzz target.
//
// Every request a client could have meant as a tracker request gets HTTP 200
// with bencode: a response, or a `failure reason` the client can show. Only an
// unknown path is a 404. Paths may carry a private tracker's key
// (/announce/KEY, /KEY/announce, the same for scrape; admission/key_path.h).
#ifndef AQUATIC_TRACKER_HTTP_REQUEST_HANDLER_H_
#define AQUATIC_TRACKER_HTTP_REQUEST_HANDLER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "tracker/admission/admission.h"
#include "tracker/base/access_list.h"
#include "tracker/base/fast_random.h"
#include "tracker/base/metrics.h"
#include "tracker/base/socket_address.h"
#include "tracker/http/http_metrics.h"
#include "tracker/swarm/ip_torrents.h"

namespace aquatic::http {

// HTTP peers keep their peer id for non-compact (compact=0) responses.
using HttpTorrentEngine = swarm::IpTorrentEngine<swarm::PeerIdData>;

struct HttpProtocolSettings {
  uint32_t max_scrape_torrents = 100;
  uint32_t max_response_peers = 50;
  uint32_t peer_announce_interval = 120;
  bool enable_full_scrape = false;
};

struct HttpAnswer {
  // 200, or 404 for an unknown path.
  int status = 200;
  std::string body;
  // Large enough to be worth gzip when the client accepts it (full scrape).
  bool compressible = false;
};

class HttpRequestHandler {
 public:
  HttpRequestHandler(const HttpProtocolSettings& settings, HttpTorrentEngine* engine,
                     const AccessListHolder* access_list, WorkerCounters<HttpCounter> counters,
                     uint64_t random_seed, admission::Admission* admission = nullptr);

  // `peer_ip` is the connection's source (or the reverse proxy's header);
  // nullopt when that header was missing or unparseable. `now` is
  // SecondsSinceStart().
  HttpAnswer Handle(absl::string_view target, const std::optional<SocketAddress>& peer_ip,
                    uint32_t now);

  // A bencoded failure response.
  static std::string Failure(absl::string_view reason);

 private:
  // `query` is the target after '?', `path_key` the path's key segment.
  HttpAnswer Announce(absl::string_view query, absl::string_view path_key, const SocketAddress& peer,
                      size_t ip_index, uint32_t now);
  HttpAnswer Scrape(absl::string_view query, absl::string_view key, size_t ip_index);
  HttpAnswer Fail(absl::string_view reason, size_t ip_index);

  HttpProtocolSettings settings_;
  HttpTorrentEngine* engine_;
  CachedAccessList access_list_;
  admission::AdmissionCheck admission_;
  WorkerCounters<HttpCounter> counters_;
  FastRandom random_;
};

// The peer address a reverse proxy put in a header like X-Forwarded-For:
// the last address of a comma-separated list, IPv4 or IPv6 (no port).
std::optional<SocketAddress> ParseForwardedFor(absl::string_view header_value);

}  // namespace aquatic::http

#endif  // AQUATIC_TRACKER_HTTP_REQUEST_HANDLER_H_
