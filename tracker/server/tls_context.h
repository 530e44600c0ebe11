// TlsContexts: the TLS server context of the HTTP and WebTorrent trackers
// (BoringSSL through Asio), built from PEM files: the certificate chain (leaf
// first) and its private key. TLS 1.2 and 1.3 only.
//
// Reload() (on SIGUSR1) builds a new context from the files and swaps it in
// for new connections; open connections keep theirs. A bad file at reload
// keeps the current context.
#ifndef AQUATIC_TRACKER_SERVER_TLS_CONTEXT_H_
#define AQUATIC_TRACKER_SERVER_TLS_CONTEXT_H_

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace aquatic {

class TlsContexts {
 public:
  // `section` ("[http.network]", "[api]") names the keys in errors: "[http.network]
  // tls_certificate_path: ...".
  static absl::StatusOr<std::unique_ptr<TlsContexts>> Load(const std::string& certificate_path,
                                                           const std::string& private_key_path,
                                                           absl::string_view section = "[network]");

  std::shared_ptr<boost::asio::ssl::context> Current() const {
    return std::atomic_load(&current_);
  }
  absl::Status Reload();
  // The current certificate for log lines: "subject CN=tracker.example,
  // valid until Mar  1 12:00:00 2027 GMT".
  std::string Describe() const;

 private:
  // The paths as AbsolutePath: a reload after the process dropped
  // privileges reads them through the chroot (PathForReading).
  TlsContexts(const std::string& certificate_path, const std::string& private_key_path,
              absl::string_view section);
  absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> Build() const;

  std::string certificate_path_;
  std::string private_key_path_;
  std::string section_;  // "[http.network]"
  std::shared_ptr<boost::asio::ssl::context> current_;
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_TLS_CONTEXT_H_
