// For tests over real sockets: one announce in each protocol, reduced to
// what the tests check — the failure reason the tracker gave, or "" when it
// answered with counts and peers.
#ifndef AQUATIC_TRACKER_TESTING_ANNOUNCE_PROBES_H_
#define AQUATIC_TRACKER_TESTING_ANNOUNCE_PROBES_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "tracker/ws/ws_test_client.h"

namespace aquatic::announce_probes {

struct ProbeAnnounce {
  // 20 bytes each.
  std::string info_hash;
  std::string peer_id;
  uint16_t port = 6881;
  int64_t left = 1000;
  // "", "started", "completed" or "stopped".
  std::string event;
};

// GET `path`?info_hash=...; `extra` is appended to the query.
std::string HttpAnnounceFailure(uint16_t port, absl::string_view path,
                                const ProbeAnnounce& announce, absl::string_view extra = "");
// Connect, then announce over IPv4 loopback with BEP 41 `url_data`.
std::string UdpAnnounceError(uint16_t port, absl::string_view url_data,
                             const ProbeAnnounce& announce);
// An announce on an open WebTorrent connection.
std::string WsAnnounceFailure(ws::WsTestClient& socket, const ProbeAnnounce& announce);

// The value of a JSON string field ("key":"VALUE"), or "".
std::string JsonString(absl::string_view json, absl::string_view field);

}  // namespace aquatic::announce_probes

#endif  // AQUATIC_TRACKER_TESTING_ANNOUNCE_PROBES_H_
