#include "tracker/udp/request_handler.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>

#include "codec/runtime/big_endian.h"
#include "codec/udp/udp.codec.h"
#include "codec/udp/udp_request.h"
#include "tracker/admission/key_path.h"

namespace aquatic::udp {

namespace wire = ::aquatic::codec::udp;

// Everything an announce needs besides the response buffer.
struct AnnounceContext {
  const wire::AnnounceRequest& request;
  const SocketAddress& source;
  uint32_t now;
  size_t ip_index;
};

namespace {

swarm::PeerEvent ToPeerEvent(wire::AnnounceEvent event) {
  switch (event) {
    case wire::AnnounceEvent::kStarted: return swarm::PeerEvent::kStarted;
    case wire::AnnounceEvent::kStopped: return swarm::PeerEvent::kStopped;
    case wire::AnnounceEvent::kCompleted: return swarm::PeerEvent::kCompleted;
    case wire::AnnounceEvent::kNone: break;
  }
  return swarm::PeerEvent::kNone;
}

// The connection-id input for a source: its IP address only. The port is
// left out on purpose: libtorrent caches connection ids per tracker for the
// whole process, so its sessions on other ports reuse one id, and an IP is
// all that spoofing protection needs (as in opentracker).
size_t AddressKey(const SocketAddress& source, uint8_t (&key)[16]) {
  const absl::Span<const uint8_t> ip = source.ip_bytes();
  std::memcpy(key, ip.data(), ip.size());
  return ip.size();
}

template <typename Message>
size_t SerializeInto(const Message& message, absl::Span<uint8_t> response) {
  absl::StatusOr<size_t> written = wire::Serialize(message, response);
  return written.ok() ? *written : 0;
}

}  // namespace

template <typename PeerData>
UdpRequestHandler<PeerData>::UdpRequestHandler(const UdpProtocolSettings& settings,
                                               Engine* engine,
                                               const ConnectionIds* connection_ids,
                                               const AccessListHolder* access_list,
                                               WorkerCounters<UdpCounter> counters,
                                               uint64_t random_seed,
                                               admission::Admission* admission)
    : settings_(settings),
      engine_(engine),
      connection_ids_(connection_ids),
      access_list_(access_list),
      admission_(admission, admission::Transport::kUdp),
      counters_(counters),
      random_(random_seed),
      request_(std::make_unique<wire::Request>()),
      prefetch_request_(std::make_unique<wire::Request>()),
      v4_response_(std::make_unique<wire::AnnounceResponseV4>()),
      v6_response_(std::make_unique<wire::AnnounceResponseV6>()),
      scrape_response_(std::make_unique<wire::ScrapeResponse>()) {}

template <typename PeerData>
UdpRequestHandler<PeerData>::~UdpRequestHandler() = default;

template <typename PeerData>
size_t UdpRequestHandler<PeerData>::ErrorReply(uint32_t transaction_id, absl::string_view message,
                                     size_t ip_index, absl::Span<uint8_t> response) {
  wire::ErrorResponse error;
  error.transaction_id = transaction_id;
  error.message = message;
  counters_.Add(UdpCounter::kErrorResponses, ip_index);
  return SerializeInto(error, response);
}

template <typename PeerData>
size_t UdpRequestHandler<PeerData>::Handle(absl::Span<const uint8_t> datagram, const SocketAddress& source,
                                 uint32_t now, uint64_t unix_now, absl::Span<uint8_t> response) {
  const size_t ip_index = source.is_ipv6() ? 1 : 0;
  counters_.Add(UdpCounter::kBytesReceived, ip_index, datagram.size());
  const size_t response_size = Respond(datagram, source, now, unix_now, response);
  if (response_size > 0) counters_.Add(UdpCounter::kBytesSent, ip_index, response_size);
  return response_size;
}

template <typename PeerData>
void UdpRequestHandler<PeerData>::Prefetch(absl::Span<const uint8_t> datagram) {
  // A private tracker's key table outgrows the cache: one random lookup per
  // announce. (Its transfer ledger prefetches for itself, in EndBatch.)
  if (!admission_.keys_required()) return;
  wire::Request& request = *prefetch_request_;
  wire::RequestError error;
  if (!wire::ParseRequest(datagram, &request, &error) ||
      request.kind != wire::RequestKind::kAnnounce) {
    return;
  }
  admission_.Prefetch(admission::SplitKeyedPath(request.announce.url_data.view()).key);
}

template <typename PeerData>
void UdpRequestHandler<PeerData>::EndBatch() {
  admission_.FlushAccounts();
}

template <typename PeerData>
size_t UdpRequestHandler<PeerData>::Respond(absl::Span<const uint8_t> datagram, const SocketAddress& source,
                                  uint32_t now, uint64_t unix_now, absl::Span<uint8_t> response) {
  const size_t ip_index = source.is_ipv6() ? 1 : 0;
  uint8_t address_key[16];
  const absl::Span<const uint8_t> address(address_key, AddressKey(source, address_key));

  wire::Request& request = *request_;
  wire::RequestError error;
  if (!wire::ParseRequest(datagram, &request, &error)) {
    // BEP 15 allows an error reply when the transaction id can be read; only
    // answer clients that hold a valid connection id, so that spoofed
    // garbage cannot make the tracker send datagrams to third parties.
    if (error.transaction_id.has_value() &&
        connection_ids_->IsValid(codec::LoadU64(datagram.data()), address, unix_now)) {
      return ErrorReply(*error.transaction_id, "invalid request", ip_index, response);
    }
    counters_.Add(UdpCounter::kDropped, ip_index);
    return 0;
  }

  switch (request.kind) {
    case wire::RequestKind::kConnect: {
      counters_.Add(UdpCounter::kConnectRequests, ip_index);
      wire::ConnectResponse connect;
      connect.transaction_id = request.connect.transaction_id;
      connect.connection_id = connection_ids_->Issue(address, unix_now);
      counters_.Add(UdpCounter::kConnectResponses, ip_index);
      return SerializeInto(connect, response);
    }
    case wire::RequestKind::kAnnounce: {
      counters_.Add(UdpCounter::kAnnounceRequests, ip_index);
      const wire::AnnounceRequest& announce = request.announce;
      if (!connection_ids_->IsValid(announce.connection_id, address, unix_now)) {
        counters_.Add(UdpCounter::kDropped, ip_index);
        return 0;
      }
      TrackerKey key;
      if (admission_.active()) {
        // libtorrent sends udp://host:port/announce/KEY as URL data
        // "/announce/KEY"; the path shapes are those of HTTP.
        const admission::Verdict verdict = admission_.CheckAnnounce(
            admission::SplitKeyedPath(announce.url_data.view()).key, announce.peer_id, unix_now,
            &key);
        if (!verdict.admitted()) {
          return ErrorReply(announce.transaction_id, verdict.Message(), ip_index, response);
        }
      }
      if (!access_list_.Current().Allows(announce.info_hash)) {
        return ErrorReply(announce.transaction_id, "info hash not allowed", ip_index, response);
      }
      if (admission_.keys_required()) {
        admission_.AccountLater(admission::TransferReport{
            key, announce.info_hash, announce.peer_id, announce.uploaded, announce.downloaded,
            ToPeerEvent(announce.event), now});
      }
      const AnnounceContext context{announce, source, now, ip_index};
      return source.is_ipv6() ? this->template HandleAnnounce<swarm::PeerAddressV6>(context, response)
                              : this->template HandleAnnounce<swarm::PeerAddressV4>(context, response);
    }
    case wire::RequestKind::kScrape: {
      counters_.Add(UdpCounter::kScrapeRequests, ip_index);
      const wire::ScrapeRequest& scrape = request.scrape;
      if (!connection_ids_->IsValid(scrape.connection_id, address, unix_now)) {
        counters_.Add(UdpCounter::kDropped, ip_index);
        return 0;
      }
      if (admission_.keys_required()) {
        // BEP 41 options follow announces only: a scrape has no URL data.
        admission_.Refuse(admission::Refusal::kKeyMissing);
        return ErrorReply(scrape.transaction_id,
                          "private tracker: a UDP scrape cannot carry a key; scrape over HTTP",
                          ip_index, response);
      }
      if (scrape.info_hashes.size() > settings_.max_scrape_torrents) {
        return ErrorReply(scrape.transaction_id, "too many info hashes in one scrape", ip_index,
                          response);
      }
      wire::ScrapeResponse& scrape_response = *scrape_response_;
      scrape_response.transaction_id = scrape.transaction_id;
      scrape_response.torrents.clear();
      const AccessList& access_list = access_list_.Current();
      for (const wire::ScrapeInfoHash& hash : scrape.info_hashes) {
        // Unknown and denied torrents answer zeros: clients expect one entry
        // per requested hash, in order.
        const swarm::TorrentCounts counts = access_list.Allows(hash.info_hash)
                                                ? engine_->Scrape(hash.info_hash)
                                                : swarm::TorrentCounts{};
        scrape_response.torrents.push_back(wire::TorrentScrapeStatistics{
            counts.seeders, static_cast<uint32_t>(counts.completed), counts.leechers});
      }
      counters_.Add(UdpCounter::kScrapeResponses, ip_index);
      return SerializeInto(scrape_response, response);
    }
  }
  return 0;
}

template <typename PeerData>
template <typename Address>
size_t UdpRequestHandler<PeerData>::HandleAnnounce(const AnnounceContext& context,
                                         absl::Span<uint8_t> response) {
  const wire::AnnounceRequest& request = context.request;
  typename Engine::template Announce<Address> announce;
  // BEP 15's ip_address field is ignored: the source address is the peer.
  const absl::Span<const uint8_t> ip = context.source.ip_bytes();
  std::copy(ip.begin(), ip.end(), announce.key.ip.begin());
  announce.key.port = request.port;
  announce.seeder = request.left == 0;
  announce.event = ToPeerEvent(request.event);
  announce.now = context.now;
  if constexpr (std::is_same_v<PeerData, swarm::PeerIdData>) {
    announce.data.peer_id = request.peer_id;
  }
  const size_t max_peers =
      request.num_want <= 0
          ? settings_.max_response_peers
          : std::min<size_t>(static_cast<size_t>(request.num_want), settings_.max_response_peers);

  auto respond = [&](auto& wire_response) {
    using WirePeer = std::decay_t<decltype(wire_response.peers[0])>;
    wire_response.transaction_id = request.transaction_id;
    wire_response.interval = settings_.peer_announce_interval;
    wire_response.peers.clear();
    const std::optional<swarm::TorrentCounts> counts =
        engine_->template AnnounceAndSelect<Address>(
            request.info_hash, announce, max_peers, random_.Next(),
            [&wire_response](const typename Engine::template Peer<Address>& peer) {
              wire_response.peers.push_back(WirePeer{peer.key.ip, peer.key.port});
            });
    if (!counts.has_value()) {
      return ErrorReply(request.transaction_id, swarm::kTrackerFull, context.ip_index, response);
    }
    wire_response.seeders = counts->seeders;
    wire_response.leechers = counts->leechers;
    counters_.Add(UdpCounter::kAnnounceResponses, context.ip_index);
    return SerializeInto(wire_response, response);
  };
  if constexpr (Address::kIpSize == 4) {
    return respond(*v4_response_);
  } else {
    return respond(*v6_response_);
  }
}

template class UdpRequestHandler<swarm::NoPeerData>;
template class UdpRequestHandler<swarm::PeerIdData>;

}  // namespace aquatic::udp
