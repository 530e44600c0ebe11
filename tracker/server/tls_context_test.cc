#include "tracker/server/tls_context.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace aquatic {
namespace {

// Self-signed test material (CN=localhost, 127.0.0.1, ::1), never a secret.
constexpr char kCertificate[] = "tracker/server/testdata/certificate.pem";
constexpr char kKey[] = "tracker/server/testdata/private_key.pem";
constexpr char kOtherKey[] = "tracker/server/testdata/other_key.pem";

TEST(TlsContextsTest, LoadsPemFiles) {
  absl::StatusOr<std::unique_ptr<TlsContexts>> contexts = TlsContexts::Load(kCertificate, kKey);
  ASSERT_TRUE(contexts.ok()) << contexts.status();
  EXPECT_NE((*contexts)->Current(), nullptr);
}

TEST(TlsContextsTest, BadFilesNameTheKey) {
  absl::StatusOr<std::unique_ptr<TlsContexts>> missing = TlsContexts::Load("/nonexistent", kKey);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(absl::StartsWith(missing.status().message(), "[network] tls_certificate_path:"))
      << missing.status();
  absl::StatusOr<std::unique_ptr<TlsContexts>> mismatch =
      TlsContexts::Load(kCertificate, kOtherKey);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_TRUE(absl::StartsWith(mismatch.status().message(), "[network] tls_private_key_path:"))
      << mismatch.status();
  // A certificate file given as the key.
  EXPECT_FALSE(TlsContexts::Load(kCertificate, kCertificate).ok());
}

}  // namespace
}  // namespace aquatic
