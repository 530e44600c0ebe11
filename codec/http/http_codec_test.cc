// The generated HTTP codec: requests as clients send them, responses byte for
// byte as clients expect them, errors, prefixes and round trips.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "codec/http/http.codec.h"
#include "codec/runtime/query_string.h"
#include "gtest/gtest.h"

namespace aquatic::codec::http {
namespace {

// What libtorrent 2.0 sends (info hash bytes 0x12 0x34 'V' 'x' ...).
constexpr char kLibtorrentAnnounce[] =
    "/announce?info_hash=%124Vx%9a%bc%de%f1%23Eg%89%ab%cd%ef%124Vx%9a"
    "&peer_id=-LT2080-abcdefghijkl&port=6881&uploaded=0&downloaded=0&left=1024"
    "&corrupt=0&key=3F1A2B&event=started&numwant=200&compact=1&no_peer_id=1"
    "&supportcrypto=1&redundant=0";

std::array<uint8_t, 20> LibtorrentHash() {
  const std::string bytes =
      "\x12\x34Vx\x9a\xbc\xde\xf1\x23\x45g\x89\xab\xcd\xef\x12\x34Vx\x9a";
  std::array<uint8_t, 20> hash;
  std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

template <typename Message>
std::string Encode(const Message& message) {
  std::vector<char> buffer(64 * 1024);
  absl::StatusOr<size_t> written = Serialize(message, absl::MakeSpan(buffer));
  EXPECT_TRUE(written.ok()) << written.status();
  return std::string(buffer.data(), written.ok() ? *written : 0);
}

TEST(HttpRequestTest, ParsesLibtorrentAnnounce) {
  AnnounceRequest request;
  ASSERT_TRUE(Parse(kLibtorrentAnnounce, &request).ok());
  EXPECT_EQ(request.info_hash, LibtorrentHash());
  EXPECT_EQ(std::string(request.peer_id.begin(), request.peer_id.end()), "-LT2080-abcdefghijkl");
  EXPECT_EQ(request.port, 6881u);
  EXPECT_EQ(request.left, 1024);
  EXPECT_EQ(request.event, AnnounceEvent::kStarted);
  EXPECT_EQ(request.numwant, 200);
  EXPECT_TRUE(request.compact);
  EXPECT_TRUE(request.no_peer_id);
  EXPECT_EQ(request.key, "3F1A2B");
}

TEST(HttpRequestTest, DefaultsAndEvents) {
  AnnounceRequest request;
  const std::string base =
      "/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=bbbbbbbbbbbbbbbbbbbb&port=1";
  ASSERT_TRUE(Parse(base, &request).ok());
  EXPECT_TRUE(request.compact);  // BEP 23 default
  EXPECT_FALSE(request.no_peer_id);
  EXPECT_EQ(request.numwant, 0);
  EXPECT_EQ(request.event, AnnounceEvent::kNone);
  for (auto [text, event] :
       {std::pair{"started", AnnounceEvent::kStarted}, {"stopped", AnnounceEvent::kStopped},
        {"completed", AnnounceEvent::kCompleted}, {"paused", AnnounceEvent::kPaused},
        {"", AnnounceEvent::kNone}, {"whatever", AnnounceEvent::kNone}}) {
    ASSERT_TRUE(Parse(absl::StrCat(base, "&event=", text), &request).ok()) << text;
    EXPECT_EQ(request.event, event) << text;
  }
  ASSERT_TRUE(Parse(base + "&compact=0", &request).ok());
  EXPECT_FALSE(request.compact);
}

TEST(HttpRequestTest, AcceptsBep52HashesByTruncating) {
  std::string hash32;
  PercentEncode(std::string(32, '\x07'), &hash32);
  AnnounceRequest request;
  ASSERT_TRUE(Parse(absl::StrCat("/announce?info_hash=", hash32,
                                 "&peer_id=bbbbbbbbbbbbbbbbbbbb&port=1"),
                    &request)
                  .ok());
  std::array<uint8_t, 20> expected;
  expected.fill(7);
  EXPECT_EQ(request.info_hash, expected);
}

TEST(HttpRequestTest, ErrorsNameTheField) {
  AnnounceRequest request;
  auto error = [&](const std::string& target) {
    return std::string(Parse(target, &request).message());
  };
  EXPECT_EQ(error("/announce?peer_id=bbbbbbbbbbbbbbbbbbbb&port=1"),
            "AnnounceRequest.info_hash: missing");
  EXPECT_EQ(error("/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&port=1"),
            "AnnounceRequest.peer_id: missing");
  EXPECT_EQ(error("/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=bbbbbbbbbbbbbbbbbbbb"),
            "AnnounceRequest.port: missing");
  EXPECT_EQ(error("/announce?info_hash=short&peer_id=bbbbbbbbbbbbbbbbbbbb&port=1"),
            "AnnounceRequest.info_hash: 5 bytes, expected 20 or 32");
  EXPECT_EQ(error("/announce?info_hash=%zz&peer_id=bbbbbbbbbbbbbbbbbbbb&port=1"),
            "AnnounceRequest.info_hash: bad percent-encoding or too long");
  EXPECT_EQ(error("/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=bbbbbbbbbbbbbbbbbbbb&port=70000"),
            "AnnounceRequest.port: too large");
  EXPECT_EQ(error("/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=bbbbbbbbbbbbbbbbbbbb&port=-1"),
            "AnnounceRequest.port: not a decimal integer in range");
  EXPECT_EQ(error("/announce?info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=bbbbbbbbbbbbbbbbbbbb&port=1&compact=2"),
            "AnnounceRequest.compact: expected 0 or 1");
  EXPECT_EQ(error("/announce/secret?info_hash=a"),
            "AnnounceRequest: path '/announce/secret' is not /announce");
  EXPECT_EQ(Parse("/scrape?x", &request).code(), absl::StatusCode::kNotFound);
}

TEST(HttpRequestTest, Scrape) {
  ScrapeRequest scrape;
  ASSERT_TRUE(Parse("/scrape?info_hash=aaaaaaaaaaaaaaaaaaaa&info_hash=bbbbbbbbbbbbbbbbbbbb",
                    &scrape)
                  .ok());
  ASSERT_EQ(scrape.info_hashes.size(), 2u);
  EXPECT_EQ(scrape.info_hashes[1][0], 'b');
  ASSERT_TRUE(Parse("/scrape", &scrape).ok());
  EXPECT_TRUE(scrape.info_hashes.empty());  // a full scrape
  std::string many = "/scrape?";
  for (int i = 0; i < 1025; ++i) absl::StrAppend(&many, "info_hash=aaaaaaaaaaaaaaaaaaaa&");
  EXPECT_EQ(std::string(Parse(many, &scrape).message()),
            "ScrapeRequest.info_hashes: more than 1024 values");
}

TEST(HttpRequestTest, EveryPrefixParsesOrFailsCleanly) {
  const std::string full = kLibtorrentAnnounce;
  for (size_t length = 0; length < full.size(); ++length) {
    AnnounceRequest request;
    const absl::Status status = Parse(full.substr(0, length), &request);
    // Before the port has a digit a required field is missing or cut.
    if (length < full.find("&port=") + 6) {
      EXPECT_FALSE(status.ok()) << length;
    }
  }
}

TEST(HttpRequestTest, RandomRoundTrips) {
  std::mt19937_64 random(20261125);
  for (int i = 0; i < 500; ++i) {
    AnnounceRequest request;
    for (auto& b : request.info_hash) b = static_cast<uint8_t>(random());
    for (auto& b : request.peer_id) b = static_cast<uint8_t>(random());
    request.port = static_cast<uint32_t>(random() % 65536);
    request.uploaded = static_cast<int64_t>(random() >> 1);
    request.left = -static_cast<int64_t>(random() % 100);
    request.event = static_cast<AnnounceEvent>(random() % 5);
    request.compact = random() % 2;
    request.no_peer_id = random() % 2;
    request.numwant = static_cast<int32_t>(random());
    request.key = std::string(random() % 10, static_cast<char>(random()));
    std::string target;
    Serialize(request, &target);
    AnnounceRequest parsed;
    ASSERT_TRUE(Parse(target, &parsed).ok()) << target;
    EXPECT_EQ(parsed, request) << target;

    ScrapeRequest scrape;
    scrape.info_hashes.resize(random() % 5);
    for (auto& hash : scrape.info_hashes) {
      for (auto& b : hash) b = static_cast<uint8_t>(random());
    }
    target.clear();
    Serialize(scrape, &target);
    ScrapeRequest scrape_parsed;
    ASSERT_TRUE(Parse(target, &scrape_parsed).ok());
    EXPECT_EQ(scrape_parsed, scrape);
  }
}

TEST(HttpResponseTest, CompactAnnounceGolden) {
  AnnounceResponse response;
  response.complete = 2;
  response.incomplete = 1;
  response.interval = 900;
  response.min_interval = 60;
  response.peers_compact = std::string("\x7f\x00\x00\x01\x1a\xe1", 6);
  EXPECT_EQ(Encode(response),
            absl::StrCat("d8:completei2e10:incompletei1e8:intervali900e12:min intervali60e"
                         "5:peers6:",
                         std::string("\x7f\x00\x00\x01\x1a\xe1", 6), "e"));
}

TEST(HttpResponseTest, DictPeersAndPeers6AndOptionalFields) {
  AnnounceResponse response;
  response.interval = 120;
  Peer with_id;
  with_id.ip = "127.0.0.1";
  with_id.peer_id = std::array<uint8_t, 20>{'-', 'L', 'T'};
  with_id.port = 6881;
  Peer without_id;
  without_id.ip = "::1";
  without_id.port = 1;
  response.peers = std::vector<Peer>{with_id, without_id};
  response.peers6 = std::string(18, '\0');
  response.tracker_id = "t1";
  response.warning_message = "slow down";
  const std::string wire = Encode(response);
  EXPECT_EQ(wire, absl::StrCat("d8:completei0e10:incompletei0e8:intervali120e"
                               "5:peersld2:ip9:127.0.0.17:peer id20:",
                               std::string("-LT\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20),
                               "4:porti6881eed2:ip3:::14:porti1eee"
                               "6:peers618:",
                               std::string(18, '\0'),
                               "10:tracker id2:t115:warning message9:slow downe"));
  AnnounceResponse parsed;
  ASSERT_TRUE(Parse(wire, &parsed).ok()) << Parse(wire, &parsed);
  EXPECT_EQ(parsed, response);
}

TEST(HttpResponseTest, CompactAndListPeersAreExclusive) {
  AnnounceResponse response;
  response.peers_compact = "";
  response.peers = std::vector<Peer>{};
  std::vector<char> buffer(256);
  EXPECT_EQ(std::string(Serialize(response, absl::MakeSpan(buffer)).status().message()),
            "AnnounceResponse.peers: two fields with this key are both set");
}

TEST(HttpResponseTest, ScrapeFilesAreSortedByInfoHash) {
  ScrapeResponse response;
  ScrapeFile b;
  b.info_hash.fill('b');
  b.complete = 1;
  b.downloaded = 7;
  ScrapeFile a;
  a.info_hash.fill('a');
  a.incomplete = 3;
  response.files = {b, a};
  const std::string wire = Encode(response);
  EXPECT_EQ(wire, absl::StrCat("d5:filesd20:", std::string(20, 'a'),
                               "d8:completei0e10:downloadedi0e10:incompletei3ee20:",
                               std::string(20, 'b'),
                               "d8:completei1e10:downloadedi7e10:incompletei0eeee"));
  ScrapeResponse parsed;
  ASSERT_TRUE(Parse(wire, &parsed).ok());
  ASSERT_EQ(parsed.files.size(), 2u);
  EXPECT_EQ(parsed.files[0], a);
  EXPECT_EQ(parsed.files[1], b);
}

TEST(HttpResponseTest, FailureAndBufferLimits) {
  FailureResponse failure;
  failure.failure_reason = "info hash not allowed";
  EXPECT_EQ(Encode(failure), "d14:failure reason21:info hash not allowede");
  std::vector<char> small(10);
  EXPECT_EQ(Serialize(failure, absl::MakeSpan(small)).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(HttpResponseTest, EveryPrefixIsAnError) {
  AnnounceResponse response;
  response.interval = 900;
  response.peers_compact = std::string(12, 'x');
  const std::string wire = Encode(response);
  for (size_t length = 0; length < wire.size(); ++length) {
    AnnounceResponse parsed;
    EXPECT_FALSE(Parse(wire.substr(0, length), &parsed).ok()) << length;
  }
  FailureResponse failure;
  EXPECT_EQ(std::string(Parse("de", &failure).message()), "FailureResponse.failure_reason: missing");
}

}  // namespace
}  // namespace aquatic::codec::http
