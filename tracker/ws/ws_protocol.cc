// `aquatic ws` and [ws] in `aquatic run`: the WebTorrent protocol's
// registration.
#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "codec/ws/ws.codec.h"
#include "tracker/base/config/ws.pb.h"
#include "tracker/server/protocol.h"
#include "tracker/ws/ws_front_end.h"

namespace aquatic::ws {
namespace {

namespace wire = ::aquatic::codec::ws;

class WsProtocol final
    : public TypedProtocol<config::WsConfig, config::WsFrontEndConfig, WsFrontEnd> {
 public:
  absl::string_view name() const override { return "ws"; }
  absl::string_view summary() const override {
    return "WebTorrent over WebSocket and secure WebSocket";
  }
  int order() const override { return 3; }
  bool UsesTcp() const override { return true; }
  std::vector<ReloadedFile> ReloadedFiles(const google::protobuf::Message& front_end,
                                          absl::string_view table) const override {
    return TlsFiles(static_cast<const config::WsFrontEndConfig&>(front_end).network().tls(), NetworkSection(table));
  }
  uint32_t MaxConnections(const google::protobuf::Message& front_end) const override {
    return static_cast<const config::WsFrontEndConfig&>(front_end).network().max_connections();
  }

 protected:
  void SplitCleaning(const config::WsCleaningConfig& own,
                     config::CleaningConfig* shared) const override {
    shared->set_max_offer_age(own.max_offer_age());
    shared->set_max_connection_idle(own.max_connection_idle());
  }

  absl::Status ValidateOwn(const config::WsFrontEndConfig& front_end,
                           absl::string_view table) const override {
    const config::WsNetworkConfig& network = front_end.network();
    if (network.websocket_max_frame_size() > network.websocket_max_message_size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "[", table, "network] websocket_max_frame_size: larger than websocket_max_message_size"));
    }
    if (absl::Status status = ValidateTls(network.tls(), NetworkSection(table)); !status.ok()) return status;
    const config::WsProtocolConfig& protocol = front_end.protocol();
    if (absl::Status status = CheckCodecLimit(
            table, "protocol", "max_scrape_torrents", protocol.max_scrape_torrents(),
            std::min(wire::ScrapeRequest::kMaxInfoHash, wire::ScrapeResponse::kMaxFiles),
            "one WebTorrent scrape can carry");
        !status.ok()) {
      return status;
    }
    return CheckCodecLimit(table, "protocol", "max_offers", protocol.max_offers(),
                           wire::AnnounceRequest::kMaxOffers,
                           "one WebTorrent announce can carry");
  }
};

AQUATIC_REGISTER_PROTOCOL(WsProtocol);

}  // namespace
}  // namespace aquatic::ws
