// `aquatic udp` and [udp] in `aquatic run`: the UDP protocol's registration.
#include "absl/status/status.h"
#include "codec/udp/udp.codec.h"
#include "tracker/base/config/udp.pb.h"
#include "tracker/server/protocol.h"
#include "tracker/udp/udp_front_end.h"

namespace aquatic::udp {
namespace {

namespace wire = ::aquatic::codec::udp;

class UdpProtocol final
    : public TypedProtocol<config::UdpConfig, config::UdpFrontEndConfig, UdpFrontEnd> {
 public:
  absl::string_view name() const override { return "udp"; }
  absl::string_view summary() const override {
    return "BitTorrent over UDP (BEP 15), IPv4 and IPv6";
  }
  int order() const override { return 1; }
  bool UsesTcp() const override { return false; }

 protected:
  void SplitCleaning(const config::UdpCleaningConfig& own,
                     config::CleaningConfig* shared) const override {
    shared->set_max_connection_age(own.max_connection_age());
  }

  absl::Status ValidateOwn(const config::UdpFrontEndConfig& front_end,
                           absl::string_view table) const override {
    const config::UdpProtocolConfig& protocol = front_end.protocol();
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
};

AQUATIC_REGISTER_PROTOCOL(UdpProtocol);

}  // namespace
}  // namespace aquatic::udp
