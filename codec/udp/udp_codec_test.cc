// Golden vectors, round trips and truncation of the generated UDP codec.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "codec/udp/udp.codec.h"
#include "codec/udp/udp_request.h"
#include "gtest/gtest.h"

namespace aquatic::codec::udp {
namespace {

std::vector<uint8_t> Hex(absl::string_view hex) {
  std::string clean;
  for (char c : hex) {
    if (c != ' ') clean += c;
  }
  const std::string bytes = absl::HexStringToBytes(clean);
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

template <typename Message>
std::vector<uint8_t> Encode(const Message& message) {
  std::vector<uint8_t> out(SerializedSize(message));
  absl::StatusOr<size_t> written = Serialize(message, absl::MakeSpan(out));
  EXPECT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, out.size());
  return out;
}

std::array<uint8_t, 20> Bytes20(uint8_t first) {
  std::array<uint8_t, 20> bytes;
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(first + i);
  return bytes;
}

// BEP 15: connect request, magic 0x41727101980, action 0, transaction id.
const char kConnectRequest[] = "00000417 27101980 00000000 a1b2c3d4";

// An announce as libtorrent 2.0 sends it: started, numwant -1, port 6881.
const char kAnnounceRequest[] =
    "0123456789abcdef 00000001 deadbeef"
    "000102030405060708090a0b0c0d0e0f10111213"
    "2d4c54323038302d6162636465666768696a6b6c"  // -LT2080-abcdefghijkl
    "0000000000000010 0000000000100000 0000000000000020"
    "00000002 00000000 12345678 ffffffff 1ae1";

TEST(UdpCodecTest, ConnectRequestGolden) {
  ConnectRequest request;
  ASSERT_TRUE(Parse(Hex(kConnectRequest), &request).ok());
  EXPECT_EQ(request.transaction_id, 0xa1b2c3d4u);
  EXPECT_EQ(ConnectRequest::kProtocolId, 0x41727101980u);
  EXPECT_EQ(Encode(request), Hex(kConnectRequest));
}

TEST(UdpCodecTest, ConnectResponseGolden) {
  ConnectResponse response;
  response.transaction_id = 0xa1b2c3d4;
  response.connection_id = 0x0102030405060708;
  EXPECT_EQ(Encode(response), Hex("00000000 a1b2c3d4 0102030405060708"));
}

TEST(UdpCodecTest, AnnounceRequestGolden) {
  AnnounceRequest request;
  ASSERT_TRUE(Parse(Hex(kAnnounceRequest), &request).ok());
  EXPECT_EQ(request.connection_id, 0x0123456789abcdefu);
  EXPECT_EQ(request.transaction_id, 0xdeadbeefu);
  EXPECT_EQ(request.info_hash, Bytes20(0));
  EXPECT_EQ(std::string(request.peer_id.begin(), request.peer_id.end()),
            "-LT2080-abcdefghijkl");
  EXPECT_EQ(request.downloaded, 16);
  EXPECT_EQ(request.left, 0x100000);
  EXPECT_EQ(request.uploaded, 32);
  EXPECT_EQ(request.event, AnnounceEvent::kStarted);
  EXPECT_EQ(request.ip_address, (std::array<uint8_t, 4>{0, 0, 0, 0}));
  EXPECT_EQ(request.key, 0x12345678u);
  EXPECT_EQ(request.num_want, -1);
  EXPECT_EQ(request.port, 6881);
  EXPECT_EQ(Encode(request), Hex(kAnnounceRequest));
}

TEST(UdpCodecTest, AnnounceAcceptsBep41Options) {
  // URLData "/announce?k=1" (type 2), NOP (type 1), EndOfOptions (type 0), as
  // qBittorrent 5 appends them.
  std::vector<uint8_t> datagram = Hex(kAnnounceRequest);
  const std::vector<uint8_t> options = Hex("020d 2f616e6e6f756e63653f6b3d31 01 00");
  datagram.insert(datagram.end(), options.begin(), options.end());
  AnnounceRequest request;
  ASSERT_TRUE(Parse(datagram, &request).ok());
  EXPECT_EQ(request.port, 6881);
  EXPECT_EQ(request.url_data.view(), "/announce?k=1");
  // Serialize writes the URL data back without the padding and the end
  // (bep41_options_test.cc has every option shape).
  datagram.resize(datagram.size() - 2);
  EXPECT_EQ(Encode(request), datagram);
}

TEST(UdpCodecTest, UnknownEventsMapToNone) {
  for (uint8_t event : {0, 4, 5, 0xff}) {
    std::vector<uint8_t> datagram = Hex(kAnnounceRequest);
    datagram[83] = event;
    AnnounceRequest request;
    ASSERT_TRUE(Parse(datagram, &request).ok());
    EXPECT_EQ(request.event, AnnounceEvent::kNone) << int{event};
  }
  std::vector<uint8_t> datagram = Hex(kAnnounceRequest);
  AnnounceRequest request;
  for (auto [wire, event] : {std::pair{1, AnnounceEvent::kCompleted},
                             {2, AnnounceEvent::kStarted}, {3, AnnounceEvent::kStopped}}) {
    datagram[83] = static_cast<uint8_t>(wire);
    ASSERT_TRUE(Parse(datagram, &request).ok());
    EXPECT_EQ(request.event, event);
  }
}

TEST(UdpCodecTest, AnnounceResponseV4AndV6Golden) {
  AnnounceResponseV4 v4;
  v4.transaction_id = 7;
  v4.interval = 900;
  v4.leechers = 1;
  v4.seeders = 2;
  v4.peers.push_back(PeerV4{{127, 0, 0, 1}, 6881});
  v4.peers.push_back(PeerV4{{10, 0, 0, 2}, 51413});
  EXPECT_EQ(Encode(v4), Hex("00000001 00000007 00000384 00000001 00000002"
                            "7f000001 1ae1 0a000002 c8d5"));
  AnnounceResponseV6 v6;
  v6.transaction_id = 7;
  v6.interval = 900;
  PeerV6 peer;
  peer.ip[15] = 1;  // ::1
  peer.port = 6881;
  v6.peers.push_back(peer);
  const std::vector<uint8_t> wire = Encode(v6);
  EXPECT_EQ(wire, Hex("00000001 00000007 00000384 00000000 00000000"
                      "00000000000000000000000000000001 1ae1"));
  AnnounceResponseV6 parsed;
  ASSERT_TRUE(Parse(wire, &parsed).ok());
  EXPECT_EQ(parsed, v6);
  // BEP 15 cannot tell 18-byte peers from 6-byte ones by length alone (one
  // IPv6 peer is three IPv4 peers' worth); a ragged tail is an error though.
  std::vector<uint8_t> ragged = wire;
  ragged.pop_back();
  EXPECT_FALSE(Parse(ragged, &parsed).ok());
}

TEST(UdpCodecTest, ScrapeGolden) {
  const std::vector<uint8_t> wire = Hex(
      "0123456789abcdef 00000002 00000009"
      "000102030405060708090a0b0c0d0e0f10111213 0102030405060708090a0b0c0d0e0f1011121314");
  ScrapeRequest request;
  ASSERT_TRUE(Parse(wire, &request).ok());
  ASSERT_EQ(request.info_hashes.size(), 2u);
  EXPECT_EQ(request.info_hashes[1].info_hash, Bytes20(1));
  EXPECT_EQ(Encode(request), wire);

  ScrapeResponse response;
  response.transaction_id = 9;
  response.torrents.push_back(TorrentScrapeStatistics{5, 3, 1});
  EXPECT_EQ(Encode(response), Hex("00000002 00000009 00000005 00000003 00000001"));
}

TEST(UdpCodecTest, ErrorResponseGolden) {
  ErrorResponse error;
  error.transaction_id = 9;
  error.message = "info hash not allowed";
  const std::vector<uint8_t> wire = Encode(error);
  EXPECT_EQ(wire, Hex(absl::StrCat("00000003 00000009",
                                   absl::BytesToHexString("info hash not allowed"))));
  ErrorResponse parsed;
  ASSERT_TRUE(Parse(wire, &parsed).ok());
  EXPECT_EQ(parsed.message, "info hash not allowed");
}

TEST(UdpCodecTest, RejectsWrongConstantsAndSizes) {
  ConnectRequest connect;
  std::vector<uint8_t> bad_magic = Hex(kConnectRequest);
  bad_magic[0] = 1;
  EXPECT_EQ(std::string(Parse(bad_magic, &connect).message()),
            "ConnectRequest.protocol_id: 0x100041727101980, expected 0x41727101980");
  EXPECT_FALSE(Parse(bad_magic, &connect).ok());
  std::vector<uint8_t> trailing = Hex(kConnectRequest);
  trailing.push_back(0);
  EXPECT_EQ(Parse(trailing, &connect).message(), "ConnectRequest: 17 bytes, expected exactly 16");

  ScrapeRequest scrape;
  std::vector<uint8_t> ragged = Hex("0123456789abcdef 00000002 00000009 0001");
  EXPECT_FALSE(Parse(ragged, &scrape).ok());
  std::vector<uint8_t> too_many = Hex("0123456789abcdef 00000002 00000009");
  too_many.resize(too_many.size() + 75 * 20);
  EXPECT_EQ(Parse(too_many, &scrape).message(),
            "ScrapeRequest.info_hashes: 1500 bytes are not at most 74 elements of 20 bytes");
  // Serialize refuses a buffer that is too small.
  std::vector<uint8_t> small(15);
  EXPECT_FALSE(Serialize(connect, absl::MakeSpan(small)).ok());
}

// Every strict prefix of every valid message is an error, never a crash
// (under ASan a read past the end would be reported).
TEST(UdpCodecTest, EveryPrefixIsAnError) {
  const std::vector<uint8_t> messages[] = {Hex(kConnectRequest), Hex(kAnnounceRequest)};
  for (const std::vector<uint8_t>& message : messages) {
    for (size_t length = 0; length < message.size(); ++length) {
      std::vector<uint8_t> prefix(message.begin(), message.begin() + length);
      ConnectRequest connect;
      AnnounceRequest announce;
      ScrapeRequest scrape;
      ConnectResponse connect_response;
      AnnounceResponseV4 v4;
      AnnounceResponseV6 v6;
      Request request;
      RequestError error;
      EXPECT_FALSE(Parse(prefix, &connect).ok() && length == message.size() - 1);
      EXPECT_FALSE(Parse(prefix, &announce).ok()) << length;
      EXPECT_FALSE(Parse(prefix, &connect_response).ok() && length != 16);
      Parse(prefix, &scrape).IgnoreError();
      Parse(prefix, &v4).IgnoreError();
      Parse(prefix, &v6).IgnoreError();
      EXPECT_FALSE(ParseRequest(prefix, &request, &error)) << length;
    }
  }
}

// Randomized structs with a fixed seed: Serialize then Parse gives them back.
TEST(UdpCodecTest, RandomRoundTrips) {
  std::mt19937_64 random(20261125);
  auto fill = [&](auto& bytes) {
    for (auto& b : bytes) b = static_cast<uint8_t>(random());
  };
  for (int i = 0; i < 1000; ++i) {
    AnnounceRequest announce;
    announce.connection_id = random();
    announce.transaction_id = static_cast<uint32_t>(random());
    fill(announce.info_hash);
    fill(announce.peer_id);
    announce.downloaded = static_cast<int64_t>(random());
    announce.left = static_cast<int64_t>(random());
    announce.uploaded = static_cast<int64_t>(random());
    announce.event = AnnounceEventFromWire(random() % 4);
    fill(announce.ip_address);
    announce.key = static_cast<uint32_t>(random());
    announce.num_want = static_cast<int32_t>(random());
    announce.port = static_cast<uint16_t>(random());
    // BEP 41 URL data: none half of the time, up to the capacity.
    if (random() % 2 == 0) {
      std::string url(random() % (announce.url_data.capacity() + 1), '\0');
      fill(url);
      ASSERT_TRUE(announce.url_data.assign(url));
    }
    AnnounceRequest announce_back;
    ASSERT_TRUE(Parse(Encode(announce), &announce_back).ok());
    EXPECT_EQ(announce_back, announce);

    ScrapeRequest scrape;
    scrape.connection_id = random();
    scrape.info_hashes.resize(1 + random() % 74);
    for (ScrapeInfoHash& hash : scrape.info_hashes) fill(hash.info_hash);
    ScrapeRequest scrape_back;
    ASSERT_TRUE(Parse(Encode(scrape), &scrape_back).ok());
    EXPECT_EQ(scrape_back, scrape);

    AnnounceResponseV4 v4;
    v4.transaction_id = static_cast<uint32_t>(random());
    v4.interval = static_cast<uint32_t>(random());
    v4.peers.resize(random() % 201);
    for (PeerV4& peer : v4.peers) {
      fill(peer.ip);
      peer.port = static_cast<uint16_t>(random());
    }
    AnnounceResponseV4 v4_back;
    ASSERT_TRUE(Parse(Encode(v4), &v4_back).ok());
    EXPECT_EQ(v4_back, v4);
  }
}

TEST(UdpRequestTest, DispatchesByAction) {
  Request request;
  RequestError error;
  ASSERT_TRUE(ParseRequest(Hex(kConnectRequest), &request, &error));
  EXPECT_EQ(request.kind, RequestKind::kConnect);
  ASSERT_TRUE(ParseRequest(Hex(kAnnounceRequest), &request, &error));
  EXPECT_EQ(request.kind, RequestKind::kAnnounce);
  EXPECT_EQ(request.announce.port, 6881);
}

TEST(UdpRequestTest, SaysWhetherAnErrorReplyIsPossible) {
  Request request;
  RequestError error;
  // Too short to hold a transaction id: drop.
  EXPECT_FALSE(ParseRequest(Hex("0000041727101980 00000000"), &request, &error));
  EXPECT_FALSE(error.transaction_id.has_value());
  // A connect with a wrong magic is no tracker client: drop.
  EXPECT_FALSE(ParseRequest(Hex("1111111111111111 00000000 00000005"), &request, &error));
  EXPECT_FALSE(error.transaction_id.has_value());
  // Unknown action: drop.
  EXPECT_FALSE(ParseRequest(Hex("0123456789abcdef 00000009 00000005"), &request, &error));
  EXPECT_FALSE(error.transaction_id.has_value());
  // A truncated announce carries its transaction id: an error reply is possible.
  EXPECT_FALSE(ParseRequest(Hex("0123456789abcdef 00000001 00000005 0000"), &request, &error));
  EXPECT_EQ(error.transaction_id, 5u);
  // An oversized scrape too.
  std::vector<uint8_t> scrape = Hex("0123456789abcdef 00000002 00000006");
  scrape.resize(scrape.size() + 80 * 20);
  EXPECT_FALSE(ParseRequest(scrape, &request, &error));
  EXPECT_EQ(error.transaction_id, 6u);
}

}  // namespace
}  // namespace aquatic::codec::udp
