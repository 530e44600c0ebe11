// Smoke test of the Debian-packaged library wrappers in WORKSPACE.
#include <cstdint>
#include <string>

#include <openssl/siphash.h>
#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/status.hpp>
#include <google/protobuf/stubs/common.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <toml++/toml.h>
#include <zlib.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace {

TEST(SystemLibrariesTest, AbseilLinks) {
  absl::flat_hash_map<std::string, int> map;
  map[absl::StrCat("a", 1)] = 2;
  EXPECT_EQ(map.at("a1"), 2);
  EXPECT_TRUE(absl::InvalidArgumentError("x").message() == "x");
}

TEST(SystemLibrariesTest, BoringSslIsBoringSsl) {
  // SipHash-2-4 exists only in BoringSSL, not in the system OpenSSL.
  const uint64_t key[2] = {1, 2};
  const uint8_t input[3] = {1, 2, 3};
  EXPECT_EQ(SIPHASH_24(key, input, sizeof(input)), SIPHASH_24(key, input, sizeof(input)));
  EXPECT_NE(SIPHASH_24(key, input, 2), SIPHASH_24(key, input, 3));
  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  ASSERT_NE(ctx, nullptr);
  SSL_CTX_free(ctx);
#ifndef OPENSSL_IS_BORINGSSL
  FAIL() << "openssl headers are not BoringSSL's";
#endif
}

TEST(SystemLibrariesTest, AsioRuns) {
  boost::asio::io_context io;
  int ran = 0;
  boost::asio::post(io, [&] { ++ran; });
  io.run();
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(static_cast<int>(boost::beast::http::status::ok), 200);
}

TEST(SystemLibrariesTest, ProtobufAndToml) {
  EXPECT_EQ(GOOGLE_PROTOBUF_VERSION / 1000000, 3);
  toml::parse_result parsed = toml::parse("a = 1");
  ASSERT_TRUE(parsed.succeeded());
  EXPECT_EQ(parsed.table()["a"].value<int64_t>(), 1);
}

TEST(SystemLibrariesTest, ZlibLinks) {
  EXPECT_EQ(std::string(zlibVersion()).substr(0, 2), "1.");
}

TEST(SystemLibrariesTest, SqliteRuns) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "CREATE TABLE t (a INTEGER)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(SQLITE_VERSION_NUMBER / 1000000, 3);
}

TEST(SystemLibrariesTest, LibpqLinks) {
  EXPECT_GE(PQlibVersion(), 150000);
  EXPECT_EQ(PQisthreadsafe(), 1);
}

}  // namespace
