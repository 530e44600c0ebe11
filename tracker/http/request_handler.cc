#include "tracker/http/request_handler.h"

#include <arpa/inet.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "codec/http/http.codec.h"
#include "tracker/admission/key_path.h"
#include "tracker/base/clock.h"

namespace aquatic::http {
namespace {

namespace wire = ::aquatic::codec::http;

swarm::PeerEvent ToPeerEvent(wire::AnnounceEvent event) {
  switch (event) {
    case wire::AnnounceEvent::kStarted: return swarm::PeerEvent::kStarted;
    case wire::AnnounceEvent::kStopped: return swarm::PeerEvent::kStopped;
    case wire::AnnounceEvent::kCompleted: return swarm::PeerEvent::kCompleted;
    // BEP 21 "paused" peers stay in the swarm as regular updates.
    case wire::AnnounceEvent::kPaused:
    case wire::AnnounceEvent::kNone: break;
  }
  return swarm::PeerEvent::kNone;
}

// Serializes into a string, growing it until the message fits. The estimate
// should fit the message: the string is zero-filled first.
template <typename Message>
std::string Encode(const Message& message, size_t estimate) {
  std::string out(std::max<size_t>(estimate, 256), '\0');
  while (true) {
    absl::StatusOr<size_t> written = wire::Serialize(message, absl::MakeSpan(out));
    if (written.ok()) {
      out.resize(*written);
      return out;
    }
    if (written.status().code() != absl::StatusCode::kResourceExhausted) return "";
    out.resize(out.size() * 2);
  }
}

// "127.0.0.1" or "::1", as non-compact peer lists carry addresses.
std::string IpText(absl::Span<const uint8_t> ip) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(ip.size() == 4 ? AF_INET : AF_INET6, ip.data(), text, sizeof(text));
  return text;
}

}  // namespace

std::string HttpRequestHandler::Failure(absl::string_view reason) {
  wire::FailureResponse failure;
  failure.failure_reason = std::string(reason);
  return Encode(failure, reason.size() + 32);
}

std::optional<SocketAddress> ParseForwardedFor(absl::string_view header_value) {
  const size_t comma = header_value.rfind(',');
  absl::string_view last =
      comma == absl::string_view::npos ? header_value : header_value.substr(comma + 1);
  last = absl::StripAsciiWhitespace(last);
  if (last.empty() || last.size() > 64) return std::nullopt;
  absl::StatusOr<SocketAddress> v4 = SocketAddress::Parse(absl::StrCat(last, ":0"));
  if (v4.ok()) return *v4;
  absl::StatusOr<SocketAddress> v6 = SocketAddress::Parse(absl::StrCat("[", last, "]:0"));
  if (v6.ok()) return *v6;
  return std::nullopt;
}

HttpRequestHandler::HttpRequestHandler(const HttpProtocolSettings& settings,
                                       HttpTorrentEngine* engine,
                                       const AccessListHolder* access_list,
                                       WorkerCounters<HttpCounter> counters, uint64_t random_seed,
                                       admission::Admission* admission)
    : settings_(settings),
      engine_(engine),
      access_list_(access_list),
      admission_(admission, admission::Transport::kHttp),
      counters_(counters),
      random_(random_seed) {}

HttpAnswer HttpRequestHandler::Fail(absl::string_view reason, size_t ip_index) {
  counters_.Add(HttpCounter::kFailureResponses, ip_index);
  return HttpAnswer{200, Failure(reason)};
}

HttpAnswer HttpRequestHandler::Handle(absl::string_view target,
                                      const std::optional<SocketAddress>& peer_ip, uint32_t now) {
  const size_t ip_index = peer_ip.has_value() && peer_ip->is_ipv6() ? 1 : 0;
  const size_t question = target.find('?');
  const absl::string_view query =
      question == absl::string_view::npos ? absl::string_view() : target.substr(question + 1);
  const admission::KeyedPath path = admission::SplitKeyedPath(target.substr(0, question));
  if (path.route == wire::AnnounceRequest::kPath) {
    counters_.Add(HttpCounter::kAnnounceRequests, ip_index);
    if (!peer_ip.has_value()) {
      return Fail("the reverse proxy sent no usable peer address header", ip_index);
    }
    return Announce(query, path.key, *peer_ip, ip_index, now);
  }
  if (path.route == wire::ScrapeRequest::kPath) {
    counters_.Add(HttpCounter::kScrapeRequests, ip_index);
    return Scrape(query, path.key, ip_index);
  }
  counters_.Add(HttpCounter::kNotFound, ip_index);
  return HttpAnswer{404, "not found\n"};
}

HttpAnswer HttpRequestHandler::Announce(absl::string_view query, absl::string_view path_key,
                                        const SocketAddress& peer, size_t ip_index,
                                        uint32_t now) {
  wire::AnnounceRequest request;
  if (absl::Status status = wire::ParseQuery(query, &request); !status.ok()) {
    return Fail(absl::StrCat("invalid announce: ", status.message()), ip_index);
  }
  TrackerKey tracker_key;
  if (admission_.active()) {
    const admission::Verdict verdict =
        admission_.CheckAnnounce(path_key, request.peer_id, UnixSeconds(), &tracker_key);
    if (!verdict.admitted()) return Fail(verdict.Message(), ip_index);
  }
  if (!access_list_.Current().Allows(request.info_hash)) {
    return Fail("info hash not allowed", ip_index);
  }
  if (admission_.keys_required()) {
    admission_.Account(admission::TransferReport{tracker_key, request.info_hash, request.peer_id,
                                                 request.uploaded, request.downloaded,
                                                 ToPeerEvent(request.event), now});
  }
  const size_t max_peers =
      request.numwant <= 0
          ? settings_.max_response_peers
          : std::min<size_t>(static_cast<size_t>(request.numwant), settings_.max_response_peers);

  wire::AnnounceResponse response;
  response.interval = settings_.peer_announce_interval;
  response.min_interval = settings_.peer_announce_interval;
  std::string compact;
  std::vector<wire::Peer> dict_peers;
  auto run = [&](auto key) -> bool {
    using Address = decltype(key);
    HttpTorrentEngine::Announce<Address> announce;
    const absl::Span<const uint8_t> ip = peer.ip_bytes();
    std::copy(ip.begin(), ip.end(), announce.key.ip.begin());
    announce.key.port = static_cast<uint16_t>(request.port);
    announce.data.peer_id = request.peer_id;
    announce.seeder = request.left == 0;
    announce.event = ToPeerEvent(request.event);
    announce.now = now;
    const std::optional<swarm::TorrentCounts> counts = engine_->AnnounceAndSelect<Address>(
        request.info_hash, announce, max_peers, random_.Next(),
        [&](const HttpTorrentEngine::Peer<Address>& selected) {
          if (request.compact) {
            compact.append(reinterpret_cast<const char*>(selected.key.ip.data()),
                           selected.key.ip.size());
            compact.push_back(static_cast<char>(selected.key.port >> 8));
            compact.push_back(static_cast<char>(selected.key.port & 0xff));
          } else {
            wire::Peer& entry = dict_peers.emplace_back();
            entry.ip = IpText(selected.key.ip);
            entry.port = selected.key.port;
            if (!request.no_peer_id) entry.peer_id = selected.peer_id;
          }
        });
    if (!counts.has_value()) return false;
    response.complete = counts->seeders;
    response.incomplete = counts->leechers;
    return true;
  };
  const bool answered = peer.is_ipv6() ? run(swarm::PeerAddressV6{}) : run(swarm::PeerAddressV4{});
  if (!answered) return Fail(swarm::kTrackerFull, ip_index);
  if (request.compact) {
    // BEP 7: IPv6 peers go in peers6; the (empty) IPv4 list stays for
    // clients that require the key.
    if (peer.is_ipv6()) {
      response.peers6 = std::move(compact);
      response.peers_compact = "";
    } else {
      response.peers_compact = std::move(compact);
    }
  } else {
    response.peers = std::move(dict_peers);
  }
  counters_.Add(HttpCounter::kAnnounceResponses, ip_index);
  // Compact peers take 6 or 18 bytes each, dictionary peers up to ~100.
  const size_t per_peer = request.compact ? 18 : 100;
  return HttpAnswer{200, Encode(response, 128 + max_peers * per_peer)};
}

HttpAnswer HttpRequestHandler::Scrape(absl::string_view query, absl::string_view key,
                                      size_t ip_index) {
  if (admission_.keys_required()) {
    const admission::Verdict verdict = admission_.CheckScrape(key, UnixSeconds());
    if (!verdict.admitted()) return Fail(verdict.Message(), ip_index);
  }
  wire::ScrapeRequest request;
  if (absl::Status status = wire::ParseQuery(query, &request); !status.ok()) {
    return Fail(absl::StrCat("invalid scrape: ", status.message()), ip_index);
  }
  wire::ScrapeResponse response;
  auto add = [&response](const InfoHash& info_hash, const swarm::TorrentCounts& counts) {
    wire::ScrapeFile& file = response.files.emplace_back();
    file.info_hash = info_hash;
    file.complete = counts.seeders;
    file.incomplete = counts.leechers;
    file.downloaded = static_cast<int64_t>(counts.completed);
  };
  if (request.info_hashes.empty()) {
    if (!settings_.enable_full_scrape) {
      return Fail("full scrape is disabled: ask for info_hash values", ip_index);
    }
    engine_->ForEachTorrent(add);
  } else {
    if (request.info_hashes.size() > settings_.max_scrape_torrents) {
      return Fail(absl::StrCat("too many info hashes (at most ", settings_.max_scrape_torrents,
                               ")"),
                  ip_index);
    }
    const AccessList& access_list = access_list_.Current();
    for (const auto& info_hash : request.info_hashes) {
      // Keys of a bencoded dict are unique: a repeated hash is listed once.
      const bool seen = std::any_of(response.files.begin(), response.files.end(),
                                    [&](const wire::ScrapeFile& f) { return f.info_hash == info_hash; });
      if (seen) continue;
      add(info_hash, access_list.Allows(info_hash) ? engine_->Scrape(info_hash)
                                                    : swarm::TorrentCounts{});
    }
  }
  counters_.Add(HttpCounter::kScrapeResponses, ip_index);
  return HttpAnswer{200, Encode(response, 64 + response.files.size() * 80),
                    /*compressible=*/request.info_hashes.empty()};
}

}  // namespace aquatic::http
