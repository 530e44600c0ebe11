#include "tracker/server/protocol.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace aquatic {
namespace {

std::vector<const Protocol*>& Registry() {
  static auto* protocols = new std::vector<const Protocol*>();
  return *protocols;
}

}  // namespace

absl::Status ValidateListen(const config::ListenAddresses& listen, absl::string_view table) {
  if (!listen.use_ipv4() && !listen.use_ipv6()) {
    return absl::InvalidArgumentError(
        absl::StrCat("[", table, "network] use_ipv4, use_ipv6: both are false, so the tracker "
                     "would listen nowhere"));
  }
  return absl::OkStatus();
}

absl::Status ValidateTls(const config::TlsSettings& tls, absl::string_view section) {
  if (tls.enable_tls() &&
      (tls.tls_certificate_path().empty() || tls.tls_private_key_path().empty())) {
    return absl::InvalidArgumentError(absl::StrCat(
        section, " enable_tls: needs tls_certificate_path and tls_private_key_path"));
  }
  return absl::OkStatus();
}

std::vector<Protocol::ReloadedFile> TlsFiles(const config::TlsSettings& tls,
                                             absl::string_view section) {
  if (!tls.enable_tls()) return {};
  return {{absl::StrCat(section, " tls_certificate_path"), tls.tls_certificate_path()},
          {absl::StrCat(section, " tls_private_key_path"), tls.tls_private_key_path()}};
}

std::string NetworkSection(absl::string_view table) {
  return absl::StrCat("[", table, "network]");
}

static std::vector<SharedFrontEndFactory>& SharedRegistry() {
  static std::vector<SharedFrontEndFactory>* factories = new std::vector<SharedFrontEndFactory>();
  return *factories;
}

void RegisterSharedFrontEnd(SharedFrontEndFactory factory) { SharedRegistry().push_back(factory); }

std::vector<SharedFrontEndFactory> SharedFrontEnds() { return SharedRegistry(); }

absl::Status CheckCodecLimit(absl::string_view table, absl::string_view section,
                             absl::string_view key, uint64_t value, size_t codec_limit,
                             absl::string_view what) {
  if (value <= codec_limit) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("[", table, section, "] ", key, ": ", value,
                                                 " is more than ", what, " (", codec_limit,
                                                 ")"));
}

void RegisterProtocol(const Protocol* protocol) {
  std::vector<const Protocol*>& protocols = Registry();
  protocols.push_back(protocol);
  std::stable_sort(protocols.begin(), protocols.end(),
                   [](const Protocol* a, const Protocol* b) { return a->order() < b->order(); });
}

std::vector<const Protocol*> Protocols() { return Registry(); }

const Protocol* FindProtocol(absl::string_view name) {
  for (const Protocol* protocol : Registry()) {
    if (protocol->name() == name) return protocol;
  }
  return nullptr;
}

}  // namespace aquatic
