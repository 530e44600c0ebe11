// `aquatic ws` and [ws] in `aquatic run`: the WebTorrent protocol's
// registration.
#include <memory>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "codec/ws/ws.codec.h"
#include "tracker/base/config/ws.pb.h"
#include "tracker/server/protocol.h"
#include "tracker/ws/ws_front_end.h"

namespace aquatic::ws {
namespace {

namespace wire = ::aquatic::codec::ws;

class WsProtocol final : public Protocol {
 public:
  absl::string_view name() const override { return "ws"; }
  absl::string_view summary() const override {
    return "WebTorrent over WebSocket and secure WebSocket";
  }
  int order() const override { return 3; }

  std::unique_ptr<google::protobuf::Message> NewConfig() const override {
    return std::make_unique<config::WsConfig>();
  }
  std::unique_ptr<google::protobuf::Message> NewFrontEndConfig() const override {
    return std::make_unique<config::WsFrontEndConfig>();
  }

  void Split(const google::protobuf::Message& message, config::TrackerConfig* shared,
             google::protobuf::Message* front_end_message) const override {
    const auto& own = static_cast<const config::WsConfig&>(message);
    shared->set_socket_workers(own.socket_workers());
    shared->set_log_level(own.log_level());
    *shared->mutable_statistics() = own.statistics();
    *shared->mutable_privileges() = own.privileges();
    *shared->mutable_access_list() = own.access_list();
    config::CleaningConfig& cleaning = *shared->mutable_cleaning();
    cleaning.set_torrent_cleaning_interval(own.cleaning().torrent_cleaning_interval());
    cleaning.set_max_peer_age(own.cleaning().max_peer_age());
    cleaning.set_max_offer_age(own.cleaning().max_offer_age());
    cleaning.set_max_connection_idle(own.cleaning().max_connection_idle());
    auto& front_end = static_cast<config::WsFrontEndConfig&>(*front_end_message);
    front_end.set_enabled(true);
    *front_end.mutable_network() = own.network();
    *front_end.mutable_protocol() = own.protocol();
  }

  bool Enabled(const google::protobuf::Message& front_end) const override {
    return static_cast<const config::WsFrontEndConfig&>(front_end).enabled();
  }

  absl::Status Validate(const google::protobuf::Message& message,
                        absl::string_view table) const override {
    const auto& front_end = static_cast<const config::WsFrontEndConfig&>(message);
    const config::WsNetworkConfig& network = front_end.network();
    if (!network.listen().use_ipv4() && !network.listen().use_ipv6()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "[", table, "network] use_ipv4, use_ipv6: both are false, so the tracker would "
          "listen nowhere"));
    }
    if (network.websocket_max_frame_size() > network.websocket_max_message_size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "[", table, "network] websocket_max_frame_size: larger than websocket_max_message_size"));
    }
    const config::TlsSettings& tls = network.tls();
    if (tls.enable_tls() &&
        (tls.tls_certificate_path().empty() || tls.tls_private_key_path().empty())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "[", table, "network] enable_tls: needs tls_certificate_path and tls_private_key_path"));
    }
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

  const config::ListenAddresses& Listen(
      const google::protobuf::Message& front_end) const override {
    return static_cast<const config::WsFrontEndConfig&>(front_end).network().listen();
  }
  bool UsesTcp() const override { return true; }

  absl::StatusOr<std::unique_ptr<FrontEnd>> Create(
      Runtime& runtime, const google::protobuf::Message& front_end) const override {
    absl::StatusOr<std::unique_ptr<WsFrontEnd>> created =
        WsFrontEnd::Create(runtime, static_cast<const config::WsFrontEndConfig&>(front_end));
    if (!created.ok()) return created.status();
    return std::unique_ptr<FrontEnd>(*std::move(created));
  }
};

AQUATIC_REGISTER_PROTOCOL(WsProtocol);

}  // namespace
}  // namespace aquatic::ws
