// `aquatic http` and [http] in `aquatic run`: the HTTP protocol's registration.
#include <memory>

#include "absl/strings/str_cat.h"
#include "codec/http/http.codec.h"
#include "tracker/base/config/http.pb.h"
#include "tracker/http/http_front_end.h"
#include "tracker/server/protocol.h"

namespace aquatic::http {
namespace {

class HttpProtocol final : public Protocol {
 public:
  absl::string_view name() const override { return "http"; }
  absl::string_view summary() const override {
    return "BitTorrent over HTTP and HTTPS (BEP 3, 7, 23, 48)";
  }
  int order() const override { return 2; }

  std::unique_ptr<google::protobuf::Message> NewConfig() const override {
    return std::make_unique<config::HttpConfig>();
  }
  std::unique_ptr<google::protobuf::Message> NewFrontEndConfig() const override {
    return std::make_unique<config::HttpFrontEndConfig>();
  }

  void Split(const google::protobuf::Message& message, config::TrackerConfig* shared,
             google::protobuf::Message* front_end_message) const override {
    const auto& own = static_cast<const config::HttpConfig&>(message);
    shared->set_socket_workers(own.socket_workers());
    shared->set_log_level(own.log_level());
    *shared->mutable_statistics() = own.statistics();
    *shared->mutable_privileges() = own.privileges();
    *shared->mutable_access_list() = own.access_list();
    config::CleaningConfig& cleaning = *shared->mutable_cleaning();
    cleaning.set_torrent_cleaning_interval(own.cleaning().torrent_cleaning_interval());
    cleaning.set_max_peer_age(own.cleaning().max_peer_age());
    cleaning.set_max_connection_idle(own.cleaning().max_connection_idle());
    auto& front_end = static_cast<config::HttpFrontEndConfig&>(*front_end_message);
    front_end.set_enabled(true);
    *front_end.mutable_network() = own.network();
    *front_end.mutable_protocol() = own.protocol();
  }

  bool Enabled(const google::protobuf::Message& front_end) const override {
    return static_cast<const config::HttpFrontEndConfig&>(front_end).enabled();
  }

  absl::Status Validate(const google::protobuf::Message& message,
                        absl::string_view table) const override {
    const auto& front_end = static_cast<const config::HttpFrontEndConfig&>(message);
    const config::HttpNetworkConfig& network = front_end.network();
    if (!network.listen().use_ipv4() && !network.listen().use_ipv6()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "[", table, "network] use_ipv4, use_ipv6: both are false, so the tracker would "
          "listen nowhere"));
    }
    const config::TlsSettings& tls = network.tls();
    if (tls.enable_tls() &&
        (tls.tls_certificate_path().empty() || tls.tls_private_key_path().empty())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "[", table, "network] enable_tls: needs tls_certificate_path and tls_private_key_path"));
    }
    return CheckCodecLimit(table, "protocol", "max_scrape_torrents",
                           front_end.protocol().max_scrape_torrents(),
                           codec::http::ScrapeRequest::kMaxInfoHashes,
                           "one HTTP scrape request can carry");
  }

  const config::ListenAddresses& Listen(
      const google::protobuf::Message& front_end) const override {
    return static_cast<const config::HttpFrontEndConfig&>(front_end).network().listen();
  }
  bool UsesTcp() const override { return true; }
  bool StoresPeerIds() const override { return true; }

  absl::StatusOr<std::unique_ptr<FrontEnd>> Create(
      Runtime& runtime, const google::protobuf::Message& front_end) const override {
    absl::StatusOr<std::unique_ptr<HttpFrontEnd>> created =
        HttpFrontEnd::Create(runtime, static_cast<const config::HttpFrontEndConfig&>(front_end));
    if (!created.ok()) return created.status();
    return std::unique_ptr<FrontEnd>(*std::move(created));
  }
};

AQUATIC_REGISTER_PROTOCOL(HttpProtocol);

}  // namespace
}  // namespace aquatic::http
