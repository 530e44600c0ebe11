// UdpRequestHandler<PeerData>: turns one received datagram into the datagram
// to send back (or nothing), using the generated codec, the connection ids,
// the access list, admission (a private tracker's key comes in the BEP 41 URL
// data of the announce) and the swarm engine. One per socket worker; no I/O, so the
// fuzz target and the tests drive it directly. `PeerData` is the IP engine's
// per-peer data (swarm::NoPeerData, or swarm::PeerIdData when the process
// also serves HTTP and UDP peers keep their peer id for it).
#ifndef AQUATIC_TRACKER_UDP_REQUEST_HANDLER_H_
#define AQUATIC_TRACKER_UDP_REQUEST_HANDLER_H_

#include <cstddef>
#include <cstdint>

#include <memory>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "tracker/admission/admission.h"
#include "tracker/base/access_list.h"
#include "tracker/base/connection_id.h"
#include "tracker/base/fast_random.h"
#include "tracker/base/metrics.h"
#include "tracker/base/socket_address.h"
#include "tracker/server/datagram_handler.h"
#include "tracker/swarm/ip_torrents.h"
#include "tracker/udp/udp_metrics.h"

namespace aquatic::codec::udp {
struct AnnounceResponseV4;
struct AnnounceResponseV6;
struct Request;
struct ScrapeResponse;
}  // namespace aquatic::codec::udp

namespace aquatic::udp {

struct AnnounceContext;

struct UdpProtocolSettings {
  uint32_t max_scrape_torrents = 70;
  uint32_t max_response_peers = 50;
  uint32_t peer_announce_interval = 900;
};

// Big enough for any response: an IPv6 announce response with 200 peers.
inline constexpr size_t kMaxResponseSize = 20 + 200 * 18;
static_assert(kMaxResponseSize <= kMaxDatagramAnswer);

template <typename PeerData>
class UdpRequestHandler final : public DatagramHandler {
 public:
  using Engine = swarm::IpTorrentEngine<PeerData>;

  UdpRequestHandler(const UdpProtocolSettings& settings, Engine* engine,
                    const ConnectionIds* connection_ids, const AccessListHolder* access_list,
                    WorkerCounters<UdpCounter> counters, uint64_t random_seed,
                    admission::Admission* admission = nullptr);
  ~UdpRequestHandler() override;
  UdpRequestHandler(const UdpRequestHandler&) = delete;
  UdpRequestHandler& operator=(const UdpRequestHandler&) = delete;

  // Handles `datagram` from `source`; writes the response into `response`
  // (at least kMaxResponseSize bytes) and returns its size, or 0 to send
  // nothing. `now` is SecondsSinceStart(), `unix_now` UnixSeconds().
  size_t Handle(absl::Span<const uint8_t> datagram, const SocketAddress& source, uint32_t now,
                uint64_t unix_now, absl::Span<uint8_t> response) override;
  // With keys required, the key table entry of a keyed announce.
  void Prefetch(absl::Span<const uint8_t> datagram) override;
  // Records the batch's transfers (a private tracker's accounting).
  void EndBatch() override;

 private:
  size_t Respond(absl::Span<const uint8_t> datagram, const SocketAddress& source, uint32_t now,
                 uint64_t unix_now, absl::Span<uint8_t> response);
  template <typename Address>
  size_t HandleAnnounce(const AnnounceContext& context, absl::Span<uint8_t> response);
  size_t ErrorReply(uint32_t transaction_id, absl::string_view message, size_t ip_index,
                    absl::Span<uint8_t> response);

  UdpProtocolSettings settings_;
  Engine* engine_;
  const ConnectionIds* connection_ids_;
  CachedAccessList access_list_;
  admission::AdmissionCheck admission_;
  WorkerCounters<UdpCounter> counters_;
  FastRandom random_;
  // Reused between datagrams: a scrape request alone is 1.5 KB.
  std::unique_ptr<codec::udp::Request> request_;
  // Prefetch's own, so that it never disturbs the request being handled.
  std::unique_ptr<codec::udp::Request> prefetch_request_;
  std::unique_ptr<codec::udp::AnnounceResponseV4> v4_response_;
  std::unique_ptr<codec::udp::AnnounceResponseV6> v6_response_;
  std::unique_ptr<codec::udp::ScrapeResponse> scrape_response_;
};

extern template class UdpRequestHandler<swarm::NoPeerData>;
extern template class UdpRequestHandler<swarm::PeerIdData>;

}  // namespace aquatic::udp

#endif  // AQUATIC_TRACKER_UDP_REQUEST_HANDLER_H_
