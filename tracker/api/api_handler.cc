#include "tracker/api/api_handler.h"

#include <openssl/mem.h>
#include <openssl/sha.h>

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "codec/runtime/json.h"
#include "codec/runtime/latin1.h"
#include "tracker/base/clock.h"
#include "tracker/base/socket_address.h"
#include "tracker/base/statistics_report.h"
#include "tracker/api/api_request.h"

namespace aquatic::api {
namespace {

std::array<uint8_t, 32> Digest(absl::string_view text) {
  std::array<uint8_t, 32> digest;
  SHA256(reinterpret_cast<const uint8_t*>(text.data()), text.size(), digest.data());
  return digest;
}

ApiAnswer JsonError(int status, absl::string_view message) {
  ApiAnswer answer;
  answer.status = status;
  codec::JsonWriter json(&answer.body);
  json.BeginObject();
  json.Key("error");
  json.String(message);
  json.EndObject();
  return answer;
}

// torrust's acknowledgement.
ApiAnswer JsonOk() {
  ApiAnswer answer;
  answer.body = R"({"status":"ok"})";
  return answer;
}

// torrust's health check answer.
ApiAnswer HealthOk() {
  ApiAnswer answer;
  answer.body = R"({"status":"Ok"})";
  return answer;
}

void CountsFields(const swarm::TorrentCounts& counts, codec::JsonWriter* json) {
  json->Key("seeders");
  json->Int(counts.seeders);
  json->Key("completed");
  json->Int(counts.completed);
  json->Key("leechers");
  json->Int(counts.leechers);
}

}  // namespace

ApiHandler::ApiHandler(Runtime* runtime, const config::ApiConfig& config)
    : runtime_(runtime), public_statistics_page_(config.public_stats_page()) {
  for (const std::string& token : config.access_tokens()) token_digests_.push_back(Digest(token));
}

bool ApiHandler::Authorized(absl::string_view token) const {
  if (token.empty()) return false;
  const std::array<uint8_t, 32> digest = Digest(token);
  bool found = false;
  for (const auto& known : token_digests_) {
    found |= CRYPTO_memcmp(digest.data(), known.data(), digest.size()) == 0;
  }
  return found;
}

ApiAnswer ApiHandler::Handle(const http::RequestHead& request) {
  Route route = RouteRequest(request.method, request.target);
  const ApiRequest& api = route.request;
  // The token first, even for a path that does not exist: without one, the
  // API says nothing about its paths or their parameters.
  if (route.error_status != 0 || !IsPublic(api.endpoint, public_statistics_page_)) {
    const absl::string_view token =
        api.query_token.empty() ? BearerToken(request.authorization) : api.query_token;
    if (!Authorized(token)) {
      return JsonError(401, token.empty() ? "a token is needed (Authorization: Bearer TOKEN)"
                                          : "the token is not valid");
    }
  }
  if (route.error_status != 0) return JsonError(route.error_status, route.error);
  switch (api.endpoint) {
    case Endpoint::kHealth:
      return HealthOk();
    case Endpoint::kStats:
      return Stats();
    case Endpoint::kTorrent:
      return Torrent(api.info_hash);
    case Endpoint::kTorrents:
      return Torrents(api.offset, api.limit);
    case Endpoint::kWhitelistAdd:
      return EditAccessList(api.info_hash, true);
    case Endpoint::kWhitelistRemove:
      return EditAccessList(api.info_hash, false);
    case Endpoint::kWhitelistReload:
      return ReloadAccessList();
    case Endpoint::kKeyAdd:
      return AddKey(api.seconds_valid, api.key);
    case Endpoint::kKeyRevoke:
      return RevokeKey(*api.key);
    case Endpoint::kKeyStats:
      return KeyStats(*api.key);
    case Endpoint::kKeys:
      return Keys();
    case Endpoint::kKeysReload:
      return ReloadKeys();
    case Endpoint::kClientFilter:
      return ClientFilter();
    case Endpoint::kClientFilterReload:
      return ReloadClientFilter();
    case Endpoint::kStatisticsPage:
      return StatisticsPage();
  }
  return JsonError(404, "no such path");
}

ApiAnswer ApiHandler::Stats() const {
  const SwarmStats swarms = runtime_->swarms().TotalStats();
  ApiAnswer answer;
  codec::JsonWriter json(&answer.body);
  json.BeginObject();
  json.Key("torrents");
  json.Int(swarms.torrents);
  json.Key("seeders");
  json.Int(swarms.seeders);
  json.Key("completed");
  json.Int(static_cast<int64_t>(swarms.completed));
  json.Key("leechers");
  json.Int(swarms.peers_ipv4 + swarms.peers_ipv6 - swarms.seeders);
  // torrust's keys: tcp for HTTP, udp, and ws for WebTorrent, summed over
  // front-ends of one transport; a transport the process does not serve
  // counts zeros, as in torrust.
  std::vector<RequestTotals> totals = runtime_->Totals();
  for (const absl::string_view transport : {"tcp", "udp", "ws"}) {
    RequestTotals sum;
    for (const RequestTotals& one : totals) {
      if (one.transport != transport) continue;
      for (size_t ip = 0; ip < 2; ++ip) {
        sum.connections[ip] += one.connections[ip];
        sum.announces[ip] += one.announces[ip];
        sum.scrapes[ip] += one.scrapes[ip];
      }
    }
    for (size_t ip = 0; ip < 2; ++ip) {
      const std::string prefix = absl::StrCat(transport, ip == 0 ? "4" : "6");
      json.Key(absl::StrCat(prefix, "_connections_handled"));
      json.Int(static_cast<int64_t>(sum.connections[ip]));
      json.Key(absl::StrCat(prefix, "_announces_handled"));
      json.Int(static_cast<int64_t>(sum.announces[ip]));
      json.Key(absl::StrCat(prefix, "_scrapes_handled"));
      json.Int(static_cast<int64_t>(sum.scrapes[ip]));
    }
  }
  if (const storage::Storage* storage = runtime_->storage(); storage != nullptr) {
    json.Key("storage_up");
    json.Bool(storage->healthy());
    json.Key("storage_pending_changes");
    json.Int(static_cast<int64_t>(storage->pending()));
  }
  json.EndObject();
  return answer;
}

ApiAnswer ApiHandler::Torrent(const InfoHash& info_hash) const {
  swarm::TorrentCounts counts;
  std::vector<swarm::PeerView> peers;
  if (!runtime_->swarms().ListPeers(info_hash, kMaxListedPeers, &counts, &peers)) {
    return JsonError(404, "torrent not found");
  }
  const uint32_t now = SecondsSinceStart();
  ApiAnswer answer;
  codec::JsonWriter json(&answer.body);
  json.BeginObject();
  json.Key("info_hash");
  json.String(InfoHashToHex(info_hash));
  CountsFields(counts, &json);
  json.Key("peers");
  json.BeginArray();
  for (const swarm::PeerView& peer : peers) {
    // torrust's shape where the tracker keeps the same facts: peer_id as
    // {"id": "0x<hex>", "client": null} (null where UDP-only engines keep
    // no peer ids), peer_addr, updated_milliseconds_ago; uploaded,
    // downloaded and left are not kept, seeder says what left == 0 would.
    json.BeginObject();
    json.Key("peer_id");
    if (peer.has_peer_id) {
      json.BeginObject();
      json.Key("id");
      json.String(absl::StrCat(
          "0x", absl::BytesToHexString(absl::string_view(
                    reinterpret_cast<const char*>(peer.peer_id.data()), peer.peer_id.size()))));
      json.Key("client");
      json.Null();
      json.EndObject();
    } else {
      json.Null();
    }
    json.Key("peer_addr");
    if (peer.has_address) {
      json.String(SocketAddress::FromIp(
                      absl::MakeConstSpan(peer.ip.data(), peer.ipv6 ? 16 : 4), peer.port)
                      .ToString());
    } else {
      json.Null();
    }
    json.Key("updated_milliseconds_ago");
    json.Int(int64_t{1000} * (now >= peer.last_announce ? now - peer.last_announce : 0));
    json.Key("seeder");
    json.Bool(peer.seeder);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return answer;
}

ApiAnswer ApiHandler::Torrents(uint64_t offset, uint64_t limit) const {
  struct Entry {
    InfoHash info_hash;
    swarm::TorrentCounts counts;
  };
  auto by_hash = [](const Entry& a, const Entry& b) { return a.info_hash < b.info_hash; };
  // The page is among the offset + limit smallest info hashes; a torrent is
  // in at most two engines (IP and WebTorrent), so the twice as many
  // smallest entries hold every entry of those hashes. A max-heap of that
  // size keeps memory to the page's reach, not to every torrent held, and
  // costs each shard lock O(log n) per torrent.
  const size_t keep = static_cast<size_t>(2 * (offset + limit));
  std::vector<Entry> heap;
  if (keep > 0) {
    runtime_->swarms().ForEachTorrent(
        [&](const InfoHash& info_hash, const swarm::TorrentCounts& counts) {
          if (heap.size() == keep) {
            if (!(info_hash < heap.front().info_hash)) return;
            std::pop_heap(heap.begin(), heap.end(), by_hash);
            heap.back() = {info_hash, counts};
          } else {
            heap.push_back({info_hash, counts});
          }
          std::push_heap(heap.begin(), heap.end(), by_hash);
        });
  }
  std::sort_heap(heap.begin(), heap.end(), by_hash);
  // A torrent with peers in both engines is one row.
  std::vector<Entry> merged;
  for (const Entry& entry : heap) {
    if (!merged.empty() && merged.back().info_hash == entry.info_hash) {
      merged.back().counts.seeders += entry.counts.seeders;
      merged.back().counts.leechers += entry.counts.leechers;
      merged.back().counts.completed += entry.counts.completed;
    } else {
      merged.push_back(entry);
    }
  }
  ApiAnswer answer;
  codec::JsonWriter json(&answer.body);
  json.BeginArray();
  const uint64_t begin = std::min<uint64_t>(offset, merged.size());
  const uint64_t end = std::min<uint64_t>(begin + limit, merged.size());
  for (uint64_t i = begin; i < end; ++i) {
    json.BeginObject();
    json.Key("info_hash");
    json.String(InfoHashToHex(merged[i].info_hash));
    CountsFields(merged[i].counts, &json);
    json.EndObject();
  }
  json.EndArray();
  return answer;
}

ApiAnswer ApiHandler::EditAccessList(const InfoHash& info_hash, bool listed) {
  AccessListHolder* access_list = runtime_->mutable_access_list();
  if (access_list->mode() != AccessListMode::kAllow) {
    return JsonError(409, "[access_list] mode is not \"allow\": there is no whitelist to edit");
  }
  AccessListHolder::Persist persist;
  if (storage::Storage* storage = runtime_->storage(); storage != nullptr) {
    persist = [storage, &info_hash](bool now_listed) { storage->SetListed(info_hash, now_listed); };
  }
  const AccessListHolder::Edit edit = listed ? access_list->AddApiEntry(info_hash, persist)
                                             : access_list->RemoveApiEntry(info_hash, persist);
  if (edit == AccessListHolder::Edit::kInFile) {
    return JsonError(409, "the info hash is listed in [access_list] path: remove it there");
  }
  return JsonOk();
}

ApiAnswer ApiHandler::ReloadAccessList() {
  if (runtime_->access_list()->mode() == AccessListMode::kOff) {
    return JsonError(409, "[access_list] mode is \"off\": there is no list to reload");
  }
  absl::StatusOr<AccessListHolder::Change> change = runtime_->ReloadAccessList("api");
  if (!change.ok()) return JsonError(500, change.status().message());
  return JsonOk();
}

namespace {

constexpr absl::string_view kKeysOff =
    "[private] mode is not \"keys\": this tracker has no keys";

// valid_until as JSON: Unix seconds, or null for a key that never expires.
void ValidUntil(uint64_t valid_until, codec::JsonWriter* json) {
  json->Key("valid_until");
  if (valid_until == 0) {
    json->Null();
  } else {
    json->Int(static_cast<int64_t>(valid_until));
  }
}

}  // namespace

ApiAnswer ApiHandler::AddKey(uint64_t seconds_valid, const std::optional<TrackerKey>& key) {
  admission::Admission* admission = runtime_->admission();
  if (!admission->keys_required()) return JsonError(409, kKeysOff);
  const uint64_t valid_until = seconds_valid == 0 ? 0 : UnixSeconds() + seconds_valid;
  const admission::KeyValidity made = admission->keys().Put(key, valid_until);
  ApiAnswer answer;
  codec::JsonWriter json(&answer.body);
  json.BeginObject();
  json.Key("key");
  json.String(made.key.view());
  ValidUntil(made.valid_until, &json);
  json.EndObject();
  return answer;
}

ApiAnswer ApiHandler::RevokeKey(const TrackerKey& key) {
  admission::Admission* admission = runtime_->admission();
  if (!admission->keys_required()) return JsonError(409, kKeysOff);
  if (!admission->keys().Revoke(key)) return JsonError(404, "no such key");
  return JsonOk();
}

ApiAnswer ApiHandler::KeyStats(const TrackerKey& key) const {
  const admission::Admission* admission = runtime_->admission();
  if (!admission->keys_required()) return JsonError(409, kKeysOff);
  storage::Storage* storage = runtime_->storage();
  if (storage == nullptr) {
    return JsonError(409, "[storage] backend is \"none\": transfers are not kept");
  }
  absl::StatusOr<std::vector<storage::KeyTransfer>> transfers = storage->LoadKeyTransfers(key);
  if (!transfers.ok()) {
    return JsonError(503, absl::StrCat("the storage cannot be read: ",
                                       transfers.status().message()));
  }
  const std::optional<uint64_t> valid_until = admission->keys().Get()->Find(key);
  // A revoked key's transfers stay readable.
  if (!valid_until.has_value() && transfers->empty()) return JsonError(404, "no such key");
  ApiAnswer answer;
  codec::JsonWriter json(&answer.body);
  json.BeginObject();
  json.Key("key");
  json.String(key.view());
  json.Key("revoked");
  json.Bool(!valid_until.has_value());
  if (valid_until.has_value()) ValidUntil(*valid_until, &json);
  uint64_t uploaded = 0, downloaded = 0, completed = 0;
  for (const storage::KeyTransfer& transfer : *transfers) {
    uploaded += transfer.uploaded;
    downloaded += transfer.downloaded;
    completed += transfer.completed;
  }
  json.Key("uploaded");
  json.Int(static_cast<int64_t>(uploaded));
  json.Key("downloaded");
  json.Int(static_cast<int64_t>(downloaded));
  json.Key("completed");
  json.Int(static_cast<int64_t>(completed));
  json.Key("torrents");
  json.BeginArray();
  for (const storage::KeyTransfer& transfer : *transfers) {
    json.BeginObject();
    json.Key("info_hash");
    json.String(InfoHashToHex(transfer.info_hash));
    json.Key("uploaded");
    json.Int(static_cast<int64_t>(transfer.uploaded));
    json.Key("downloaded");
    json.Int(static_cast<int64_t>(transfer.downloaded));
    json.Key("completed");
    json.Int(static_cast<int64_t>(transfer.completed));
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return answer;
}

ApiAnswer ApiHandler::Keys() const {
  const admission::Admission* admission = runtime_->admission();
  if (!admission->keys_required()) return JsonError(409, kKeysOff);
  std::vector<admission::KeyValidity> keys = admission->keys().Get()->List();
  ApiAnswer answer;
  codec::JsonWriter json(&answer.body);
  json.BeginArray();
  for (const admission::KeyValidity& key : keys) {
    json.BeginObject();
    json.Key("key");
    json.String(key.key.view());
    ValidUntil(key.valid_until, &json);
    json.EndObject();
  }
  json.EndArray();
  return answer;
}

ApiAnswer ApiHandler::ReloadKeys() {
  admission::Admission* admission = runtime_->admission();
  if (!admission->keys_required()) return JsonError(409, kKeysOff);
  storage::Storage* storage = runtime_->storage();
  if (storage == nullptr) {
    return JsonError(409, "[storage] backend is \"none\": there are no stored keys to reload");
  }
  absl::StatusOr<std::vector<storage::StoredKey>> stored = storage->LoadKeys();
  if (!stored.ok()) {
    return JsonError(503,
                     absl::StrCat("the storage cannot be read: ", stored.status().message()));
  }
  std::vector<admission::KeyValidity> keys;
  keys.reserve(stored->size());
  for (const storage::StoredKey& key : *stored) keys.push_back({key.key, key.valid_until});
  admission->keys().SetAll(keys);
  return JsonOk();
}

ApiAnswer ApiHandler::ClientFilter() const {
  const admission::ClientFilterHolder& holder = runtime_->admission()->client_filter();
  const std::shared_ptr<const admission::ClientFilter> filter = holder.Get();
  ApiAnswer answer;
  codec::JsonWriter json(&answer.body);
  json.BeginObject();
  json.Key("mode");
  switch (holder.mode()) {
    case admission::ClientFilterMode::kOff: json.String("off"); break;
    case admission::ClientFilterMode::kAllow: json.String("allow"); break;
    case admission::ClientFilterMode::kDeny: json.String("deny"); break;
  }
  json.Key("prefixes");
  json.BeginArray();
  // Prefixes are bytes from a file: shown as Latin-1, so any byte survives.
  for (const std::string& prefix : filter->Prefixes()) {
    std::string utf8;
    codec::AppendLatin1AsUtf8(
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(prefix.data()), prefix.size()), &utf8);
    json.String(utf8);
  }
  json.EndArray();
  json.EndObject();
  return answer;
}

ApiAnswer ApiHandler::ReloadClientFilter() {
  if (!runtime_->admission()->filters_clients()) {
    return JsonError(409, "[client_filter] mode is \"off\": there is no filter to reload");
  }
  absl::StatusOr<size_t> prefixes = runtime_->ReloadClientFilter("api");
  if (!prefixes.ok()) return JsonError(500, prefixes.status().message());
  return JsonOk();
}

ApiAnswer ApiHandler::StatisticsPage() const {
  ApiAnswer answer;
  answer.content_type = "text/html; charset=utf-8";
  std::vector<StatisticsRow> rows = runtime_->CurrentStatistics();
  answer.body = FormatStatisticsHtml("aquatic", rows);
  return answer;
}

}  // namespace aquatic::api
