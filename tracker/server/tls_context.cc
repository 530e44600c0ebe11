#include "tracker/server/tls_context.h"

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "tracker/base/privileges.h"

namespace aquatic {

absl::StatusOr<std::unique_ptr<TlsContexts>> TlsContexts::Load(
    const std::string& certificate_path, const std::string& private_key_path,
    absl::string_view section) {
  std::unique_ptr<TlsContexts> contexts(
      new TlsContexts(certificate_path, private_key_path, section));
  if (absl::Status status = contexts->Reload(); !status.ok()) return status;
  return contexts;
}

TlsContexts::TlsContexts(const std::string& certificate_path,
                         const std::string& private_key_path, absl::string_view section)
    : certificate_path_(AbsolutePath(certificate_path)),
      private_key_path_(AbsolutePath(private_key_path)),
      section_(section) {}

absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> TlsContexts::Build() const {
  auto context = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION);
  boost::system::error_code error;
  context->use_certificate_chain_file(PathForReading(certificate_path_), error);
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat(section_, " tls_certificate_path: '",
                                                   certificate_path_, "': ", error.message()));
  }
  context->use_private_key_file(PathForReading(private_key_path_),
                                boost::asio::ssl::context::pem, error);
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat(section_, " tls_private_key_path: '",
                                                   private_key_path_, "': ", error.message()));
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(section_, " tls_private_key_path: the key does not match the certificate"));
  }
  return context;
}

absl::Status TlsContexts::Reload() {
  absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> context = Build();
  if (!context.ok()) return context.status();
  std::atomic_store(&current_, *std::move(context));
  return absl::OkStatus();
}

std::string TlsContexts::Describe() const {
  const std::shared_ptr<boost::asio::ssl::context> context = Current();
  const X509* certificate = SSL_CTX_get0_certificate(context->native_handle());
  if (certificate == nullptr) return "no certificate";
  char subject[256] = {};
  X509_NAME_oneline(X509_get_subject_name(certificate), subject, sizeof(subject));
  std::string expiry = "an unknown time";
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    if (ASN1_TIME_print(bio, X509_get0_notAfter(certificate)) == 1) {
      const uint8_t* data = nullptr;
      size_t length = 0;
      if (BIO_mem_contents(bio, &data, &length) == 1) {
        expiry.assign(reinterpret_cast<const char*>(data), length);
      }
    }
    BIO_free(bio);
  }
  return absl::StrCat("subject ", subject, ", valid until ", expiry);
}

}  // namespace aquatic
