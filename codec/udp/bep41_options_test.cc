// BEP 41 options after a UDP announce, as the generated codec reads and
// writes them (codec/schema/udp.proto, AnnounceRequest.url_data): every
// option shape, the lenient end on truncated options, the capacity limit,
// and the exact bytes Serialize writes.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "codec/udp/udp.codec.h"
#include "codec/udp/udp_request.h"
#include "gtest/gtest.h"

namespace aquatic::codec::udp {
namespace {

// Option types of BEP 41.
const std::string kEndOfOptions(1, '\x00');
const std::string kNop(1, '\x01');

// An option with a length byte (URLData is type 2).
std::string Option(uint8_t type, absl::string_view data) {
  return absl::StrCat(std::string{static_cast<char>(type), static_cast<char>(data.size())}, data);
}
std::string UrlData(absl::string_view data) { return Option(2, data); }

// `count` bytes of URL-ish text, different at every position.
std::string Text(size_t count, char first = 'a') {
  std::string text(count, '\0');
  for (size_t i = 0; i < count; ++i) text[i] = static_cast<char>(first + i % 26);
  return text;
}

AnnounceRequest BaseAnnounce() {
  AnnounceRequest announce;
  announce.connection_id = 0x0123456789abcdef;
  announce.transaction_id = 0xdeadbeef;
  for (size_t i = 0; i < 20; ++i) announce.info_hash[i] = static_cast<uint8_t>(i);
  announce.event = AnnounceEvent::kStarted;
  announce.num_want = -1;
  announce.port = 6881;
  return announce;
}

std::vector<uint8_t> Encode(const AnnounceRequest& announce) {
  std::vector<uint8_t> out(SerializedSize(announce));
  absl::StatusOr<size_t> written = Serialize(announce, absl::MakeSpan(out));
  EXPECT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, out.size());
  return out;
}

// The 98-byte announce with `options` after it.
std::vector<uint8_t> WithOptions(absl::string_view options) {
  std::vector<uint8_t> datagram = Encode(BaseAnnounce());
  EXPECT_EQ(datagram.size(), AnnounceRequest::kFixedSize);
  datagram.insert(datagram.end(), options.begin(), options.end());
  return datagram;
}

// The URL data parsed from an announce with `options`; the fixed fields must
// come through unchanged whatever the options are.
std::string ParseUrl(absl::string_view options) {
  AnnounceRequest announce;
  const absl::Status status = Parse(WithOptions(options), &announce);
  EXPECT_TRUE(status.ok()) << status;
  AnnounceRequest fixed = announce;
  fixed.url_data.clear();
  EXPECT_EQ(fixed, BaseAnnounce());
  return std::string(announce.url_data.view());
}

TEST(Bep41OptionsTest, NoOptions) {
  EXPECT_EQ(ParseUrl(""), "");
}

TEST(Bep41OptionsTest, EndOfOptionsAlone) {
  EXPECT_EQ(ParseUrl(kEndOfOptions), "");
  // Old clients append two zero bytes.
  EXPECT_EQ(ParseUrl(kEndOfOptions + kEndOfOptions), "");
}

TEST(Bep41OptionsTest, OneUrlData) {
  // As qBittorrent 5 sends it: URLData, NOP, EndOfOptions.
  EXPECT_EQ(ParseUrl(UrlData("/announce?k=1") + kNop + kEndOfOptions), "/announce?k=1");
  // Without anything after it.
  EXPECT_EQ(ParseUrl(UrlData("/announce/abcd?x=1")), "/announce/abcd?x=1");
  // An empty URLData adds nothing.
  EXPECT_EQ(ParseUrl(UrlData("") + UrlData("/a") + UrlData("")), "/a");
}

TEST(Bep41OptionsTest, NopPaddingBeforeAndBetweenUrlData) {
  EXPECT_EQ(ParseUrl(kNop + kNop + UrlData("/anno") + kNop + UrlData("unce") + kNop),
            "/announce");
}

TEST(Bep41OptionsTest, UrlDataSplitOverSeveralOptionsIsConcatenated) {
  EXPECT_EQ(ParseUrl(UrlData("/announce") + UrlData("?passkey=abc")), "/announce?passkey=abc");
  EXPECT_EQ(ParseUrl(UrlData("/ann") + UrlData("ounce?x") + UrlData("=1") + kEndOfOptions),
            "/announce?x=1");
}

TEST(Bep41OptionsTest, UnknownOptionTypesAreSkippedByTheirLength) {
  // Type 7 carries bytes that would read as URLData and EndOfOptions if its
  // length were not honoured.
  EXPECT_EQ(ParseUrl(UrlData("/an") + Option(7, UrlData("XX") + kEndOfOptions) + UrlData("nou") +
                     Option(0xff, "") + UrlData("nce")),
            "/announce");
}

TEST(Bep41OptionsTest, GarbageAfterEndOfOptionsIsIgnored) {
  EXPECT_EQ(ParseUrl(UrlData("/a") + kEndOfOptions + UrlData("/b") + "\x02\xff garbage"), "/a");
  // Even URL data beyond the capacity, and a truncated option.
  std::string after;
  for (int i = 0; i < 5; ++i) after += UrlData(Text(255));
  EXPECT_EQ(ParseUrl(UrlData("/a") + kEndOfOptions + after + "\x02"), "/a");
}

TEST(Bep41OptionsTest, TruncatedOptionIsDroppedEarlierDataStays) {
  // A type byte without its length byte.
  EXPECT_EQ(ParseUrl("\x02"), "");
  EXPECT_EQ(ParseUrl(UrlData("/ann") + "\x02"), "/ann");
  EXPECT_EQ(ParseUrl(UrlData("/ann") + "\x07"), "/ann");
  // Fewer data bytes than the length says: the partial data is dropped.
  EXPECT_EQ(ParseUrl(UrlData("/ann") + "\x02\x05oun"), "/ann");
  EXPECT_EQ(ParseUrl(std::string("\x02\xff", 2) + Text(254)), "");
  // A truncated unknown option ends the options too.
  EXPECT_EQ(ParseUrl(UrlData("/ann") + "\x09\x09" + UrlData("ounce")), "/ann");
}

TEST(Bep41OptionsTest, FullChunksOf255Bytes) {
  const std::string first = Text(255, 'a');
  const std::string second = Text(255, 'A');
  EXPECT_EQ(ParseUrl(UrlData(first)), first);
  EXPECT_EQ(ParseUrl(UrlData(first) + UrlData(second) + UrlData("!")),
            absl::StrCat(first, second, "!"));
}

TEST(Bep41OptionsTest, UrlDataUpToCapacityParsesBeyondIsAnError) {
  EXPECT_EQ(AnnounceRequest{}.url_data.capacity(), 1024u);
  std::string four_chunks;
  for (int i = 0; i < 4; ++i) four_chunks += UrlData(Text(255));
  // 4 * 255 + 4 = 1024: fits exactly.
  EXPECT_EQ(ParseUrl(four_chunks + UrlData("/end")).size(), 1024u);

  const std::vector<uint8_t> over = WithOptions(four_chunks + UrlData("/end!"));
  AnnounceRequest announce;
  EXPECT_EQ(Parse(over, &announce).message(), "AnnounceRequest.url_data: 1025 bytes, at most 1024");
  // The tracker answers such a request with an error ("invalid request"):
  // ParseRequest offers the transaction id.
  Request request;
  RequestError error;
  EXPECT_FALSE(ParseRequest(over, &request, &error));
  EXPECT_EQ(error.error.kind(), ParseError::Kind::kTooLong);
  EXPECT_EQ(error.transaction_id, 0xdeadbeefu);
  // One long option alone is refused as well.
  std::string long_run;
  for (int i = 0; i < 6; ++i) long_run += UrlData(Text(200));
  EXPECT_FALSE(Parse(WithOptions(long_run), &announce).ok());
}

TEST(Bep41OptionsTest, ParsingAgainClearsEarlierUrlData) {
  // The socket workers parse every datagram into the same struct.
  AnnounceRequest announce;
  ASSERT_TRUE(Parse(WithOptions(UrlData("/first")), &announce).ok());
  EXPECT_EQ(announce.url_data.view(), "/first");
  ASSERT_TRUE(Parse(WithOptions(""), &announce).ok());
  EXPECT_TRUE(announce.url_data.empty());
  Request request;
  RequestError error;
  ASSERT_TRUE(ParseRequest(WithOptions(UrlData("/x")), &request, &error));
  ASSERT_TRUE(ParseRequest(WithOptions(kEndOfOptions), &request, &error));
  EXPECT_TRUE(request.announce.url_data.empty());
}

TEST(Bep41OptionsTest, SerializeWritesUrlDataAsOptionsOf255Bytes) {
  AnnounceRequest announce = BaseAnnounce();
  const std::string url = Text(600);
  ASSERT_TRUE(announce.url_data.assign(url));
  const std::vector<uint8_t> wire = Encode(announce);
  ASSERT_EQ(wire.size(), 98u + 600u + 3 * 2);
  EXPECT_EQ(SerializedSize(announce), wire.size());
  // The fixed part is what it is without URL data.
  EXPECT_EQ(std::vector<uint8_t>(wire.begin(), wire.begin() + 98), Encode(BaseAnnounce()));
  // 255 + 255 + 90 bytes, each after type 0x02 and its length.
  const std::vector<uint8_t> options(wire.begin() + 98, wire.end());
  std::vector<uint8_t> expected;
  for (auto [start, length] : {std::pair{0, 0xff}, {255, 0xff}, {510, 0x5a}}) {
    expected.push_back(0x02);
    expected.push_back(static_cast<uint8_t>(length));
    expected.insert(expected.end(), url.begin() + start, url.begin() + start + length);
  }
  EXPECT_EQ(options, expected);
  AnnounceRequest back;
  ASSERT_TRUE(Parse(wire, &back).ok());
  EXPECT_EQ(back.url_data.view(), url);
  EXPECT_EQ(back, announce);
}

TEST(Bep41OptionsTest, SerializeSizes) {
  AnnounceRequest announce = BaseAnnounce();
  // No URL data: the 98 bytes alone, no options.
  EXPECT_EQ(Encode(announce).size(), AnnounceRequest::kFixedSize);
  ASSERT_TRUE(announce.url_data.assign("/a"));
  EXPECT_EQ(Encode(announce).size(), 98u + 2 + 2);
  ASSERT_TRUE(announce.url_data.assign(Text(255)));
  EXPECT_EQ(Encode(announce).size(), 98u + 2 + 255);
  ASSERT_TRUE(announce.url_data.assign(Text(256)));
  EXPECT_EQ(Encode(announce).size(), 98u + 2 + 255 + 2 + 1);
  // The most URL data is the largest announce, and every request fits a
  // kMaxRequestSize buffer.
  ASSERT_TRUE(announce.url_data.assign(Text(1024)));
  EXPECT_EQ(Encode(announce).size(), AnnounceRequest::kMaxSize);
  EXPECT_EQ(AnnounceRequest::kMaxSize, 98u + 1024 + 5 * 2);
  EXPECT_GE(kMaxRequestSize, AnnounceRequest::kMaxSize);
  EXPECT_GE(kMaxRequestSize, ScrapeRequest::kMaxSize);
  // A buffer one byte short is refused.
  std::vector<uint8_t> small(AnnounceRequest::kMaxSize - 1);
  EXPECT_FALSE(Serialize(announce, absl::MakeSpan(small)).ok());
}

// Every prefix of an announce with options parses without reading past it:
// shorter than the fixed part is an error, longer gives the URL data of the
// options that were complete.
TEST(Bep41OptionsTest, EveryPrefixOfAnAnnounceWithOptions) {
  const std::vector<uint8_t> full =
      WithOptions(kNop + UrlData("/ann") + Option(9, "zz") + UrlData("ounce") + kEndOfOptions);
  for (size_t length = 0; length <= full.size(); ++length) {
    const std::vector<uint8_t> prefix(full.begin(), full.begin() + length);
    AnnounceRequest announce;
    const absl::Status status = Parse(prefix, &announce);
    if (length < 98) {
      EXPECT_FALSE(status.ok()) << length;
      continue;
    }
    ASSERT_TRUE(status.ok()) << length << ": " << status;
    const size_t options = length - 98;  // NOP, 2+4, 2+2, 2+5, End
    const absl::string_view expected = options < 7 ? "" : options < 18 ? "/ann" : "/announce";
    EXPECT_EQ(announce.url_data.view(), expected) << length;
  }
}

}  // namespace
}  // namespace aquatic::codec::udp
