// `aquatic udp` and [udp] in `aquatic run`: the UDP protocol's registration.
#include <memory>

#include "absl/strings/str_cat.h"
#include "codec/udp/udp.codec.h"
#include "tracker/base/config/udp.pb.h"
#include "tracker/server/protocol.h"
#include "tracker/udp/udp_front_end.h"

namespace aquatic::udp {
namespace {

namespace wire = ::aquatic::codec::udp;

class UdpProtocol final : public Protocol {
 public:
  absl::string_view name() const override { return "udp"; }
  absl::string_view summary() const override {
    return "BitTorrent over UDP (BEP 15), IPv4 and IPv6";
  }
  int order() const override { return 1; }

  std::unique_ptr<google::protobuf::Message> NewConfig() const override {
    return std::make_unique<config::UdpConfig>();
  }
  std::unique_ptr<google::protobuf::Message> NewFrontEndConfig() const override {
    return std::make_unique<config::UdpFrontEndConfig>();
  }

  void Split(const google::protobuf::Message& message, config::TrackerConfig* shared,
             google::protobuf::Message* front_end_message) const override {
    const auto& own = static_cast<const config::UdpConfig&>(message);
    shared->set_socket_workers(own.socket_workers());
    shared->set_log_level(own.log_level());
    *shared->mutable_statistics() = own.statistics();
    *shared->mutable_privileges() = own.privileges();
    *shared->mutable_access_list() = own.access_list();
    config::CleaningConfig& cleaning = *shared->mutable_cleaning();
    cleaning.set_torrent_cleaning_interval(own.cleaning().torrent_cleaning_interval());
    cleaning.set_max_peer_age(own.cleaning().max_peer_age());
    cleaning.set_max_connection_age(own.cleaning().max_connection_age());
    auto& front_end = static_cast<config::UdpFrontEndConfig&>(*front_end_message);
    front_end.set_enabled(true);
    *front_end.mutable_network() = own.network();
    *front_end.mutable_protocol() = own.protocol();
  }

  bool Enabled(const google::protobuf::Message& front_end) const override {
    return static_cast<const config::UdpFrontEndConfig&>(front_end).enabled();
  }

  absl::Status Validate(const google::protobuf::Message& front_end,
                        absl::string_view table) const override {
    const config::ListenAddresses& listen = Listen(front_end);
    if (!listen.use_ipv4() && !listen.use_ipv6()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "[", table, "network] use_ipv4, use_ipv6: both are false, so the tracker would "
          "listen nowhere"));
    }
    const config::UdpProtocolConfig& protocol =
        static_cast<const config::UdpFrontEndConfig&>(front_end).protocol();
    if (absl::Status status =
            CheckCodecLimit(table, "protocol", "max_scrape_torrents",
                            protocol.max_scrape_torrents(), wire::ScrapeRequest::kMaxInfoHashes,
                            "one UDP scrape request can carry");
        !status.ok()) {
      return status;
    }
    return CheckCodecLimit(table, "protocol", "max_response_peers", protocol.max_response_peers(),
                           wire::AnnounceResponseV4::kMaxPeers,
                           "one UDP announce response can carry");
  }

  const config::ListenAddresses& Listen(
      const google::protobuf::Message& front_end) const override {
    return static_cast<const config::UdpFrontEndConfig&>(front_end).network().listen();
  }
  bool UsesTcp() const override { return false; }

  absl::StatusOr<std::unique_ptr<FrontEnd>> Create(
      Runtime& runtime, const google::protobuf::Message& front_end) const override {
    absl::StatusOr<std::unique_ptr<UdpFrontEnd>> created =
        UdpFrontEnd::Create(runtime, static_cast<const config::UdpFrontEndConfig&>(front_end));
    if (!created.ok()) return created.status();
    return std::unique_ptr<FrontEnd>(*std::move(created));
  }
};

AQUATIC_REGISTER_PROTOCOL(UdpProtocol);

}  // namespace
}  // namespace aquatic::udp
