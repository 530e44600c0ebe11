#include "tracker/http/gzip_encoding.h"

#include <random>
#include <string>

#include "gtest/gtest.h"

namespace aquatic::http {
namespace {

std::string Gunzip(const std::string& compressed) {
  absl::StatusOr<std::string> inflated = GzipDecompress(compressed, 1 << 20);
  EXPECT_TRUE(inflated.ok()) << inflated.status();
  return inflated.value_or("");
}

TEST(GzipCompressTest, RoundTripsWithGzipHeader) {
  std::string scrape = "d5:filesd";
  for (int i = 0; i < 1000; ++i) scrape += "20:aaaaaaaaaaaaaaaaaaaad8:completei3e10:downloadedi0e10:incompletei1ee";
  scrape += "ee";
  absl::StatusOr<std::string> compressed = GzipCompress(scrape);
  ASSERT_TRUE(compressed.ok()) << compressed.status();
  ASSERT_GE(compressed->size(), 18u);
  EXPECT_EQ(static_cast<uint8_t>((*compressed)[0]), 0x1f);  // RFC 1952 magic
  EXPECT_EQ(static_cast<uint8_t>((*compressed)[1]), 0x8b);
  EXPECT_LT(compressed->size(), scrape.size() / 10);
  EXPECT_EQ(Gunzip(*compressed), scrape);
}

TEST(GzipCompressTest, EmptyAndIncompressibleInput) {
  absl::StatusOr<std::string> empty = GzipCompress("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(Gunzip(*empty), "");

  std::mt19937 random(7);
  std::string noise(100000, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  absl::StatusOr<std::string> compressed = GzipCompress(noise);
  ASSERT_TRUE(compressed.ok());
  EXPECT_EQ(Gunzip(*compressed), noise);
}

TEST(GzipDecompressTest, RejectsWhatIsNotOneBoundedMember) {
  absl::StatusOr<std::string> compressed = GzipCompress(std::string(10000, 'a'));
  ASSERT_TRUE(compressed.ok());
  EXPECT_TRUE(GzipDecompress(*compressed, 10000).ok());
  EXPECT_FALSE(GzipDecompress(*compressed, 9999).ok());  // over the limit
  EXPECT_FALSE(GzipDecompress(compressed->substr(0, compressed->size() - 1), 20000).ok());
  EXPECT_FALSE(GzipDecompress(*compressed + "x", 20000).ok());
  EXPECT_FALSE(GzipDecompress("not gzip at all", 20000).ok());
  EXPECT_FALSE(GzipDecompress("", 20000).ok());
}

TEST(AcceptsGzipTest, Codings) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("GZIP"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, gzip"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, gzip;q=0.8, *;q=0.1"));
  EXPECT_TRUE(AcceptsGzip(" gzip ; q=0.5 "));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("identity, *;q=0.5"));

  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("deflate, br"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.000"));
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0, *"));  // explicit refusal beats the wildcard
  EXPECT_FALSE(AcceptsGzip("gzipped"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=abc"));  // malformed element ignored
  EXPECT_FALSE(AcceptsGzip("gzip;q=2"));
}

}  // namespace
}  // namespace aquatic::http
