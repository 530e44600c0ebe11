// `aquatic http` and [http] in `aquatic run`: the HTTP protocol's registration.
#include "absl/status/status.h"
#include "codec/http/http.codec.h"
#include "tracker/base/config/http.pb.h"
#include "tracker/http/http_front_end.h"
#include "tracker/server/protocol.h"

namespace aquatic::http {
namespace {

class HttpProtocol final
    : public TypedProtocol<config::HttpConfig, config::HttpFrontEndConfig, HttpFrontEnd> {
 public:
  absl::string_view name() const override { return "http"; }
  absl::string_view summary() const override {
    return "BitTorrent over HTTP and HTTPS (BEP 3, 7, 23, 48)";
  }
  int order() const override { return 2; }
  bool UsesTcp() const override { return true; }
  std::vector<ReloadedFile> ReloadedFiles(const google::protobuf::Message& front_end,
                                          absl::string_view table) const override {
    return TlsFiles(static_cast<const config::HttpFrontEndConfig&>(front_end).network().tls(), NetworkSection(table));
  }
  uint32_t MaxConnections(const google::protobuf::Message& front_end) const override {
    return static_cast<const config::HttpFrontEndConfig&>(front_end).network().max_connections();
  }
  // Non-compact responses carry peer ids.
  bool StoresPeerIds() const override { return true; }

 protected:
  void SplitCleaning(const config::HttpCleaningConfig& own,
                     config::CleaningConfig* shared) const override {
    shared->set_max_connection_idle(own.max_connection_idle());
  }

  absl::Status ValidateOwn(const config::HttpFrontEndConfig& front_end,
                           absl::string_view table) const override {
    if (absl::Status status = ValidateTls(front_end.network().tls(), NetworkSection(table)); !status.ok()) {
      return status;
    }
    return CheckCodecLimit(table, "protocol", "max_scrape_torrents",
                           front_end.protocol().max_scrape_torrents(),
                           codec::http::ScrapeRequest::kMaxInfoHashes,
                           "one HTTP scrape request can carry");
  }
};

AQUATIC_REGISTER_PROTOCOL(HttpProtocol);

}  // namespace
}  // namespace aquatic::http
