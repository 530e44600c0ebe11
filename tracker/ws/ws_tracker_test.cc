// aquatic ws over real loopback sockets, IPv4 and IPv6, ws:// and wss://: the
// WebTorrent protocol as a browser client sees it (announce, offer and answer
// relay, scrape), bad input, limits, health checks and connection limits.
#include "tracker/ws/ws_front_end.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "codec/ws/ws.codec.h"
#include "gtest/gtest.h"
#include "tracker/server/test_server.h"
#include "tracker/ws/ws_metrics.h"
#include "tracker/ws/ws_test_client.h"

namespace aquatic::ws {
namespace {

namespace wire = ::aquatic::codec::ws;
using std::chrono::milliseconds;

std::string Id(char fill) { return std::string(20, fill); }
std::array<uint8_t, 20> Bytes(char fill) {
  std::array<uint8_t, 20> bytes;
  bytes.fill(static_cast<uint8_t>(fill));
  return bytes;
}

std::string Announce(const std::string& hash, const std::string& peer_id,
                     const std::string& extra = "") {
  return absl::StrCat(R"({"action":"announce","info_hash":")", hash, R"(","peer_id":")", peer_id,
                      R"(","numwant":5,"uploaded":0,"downloaded":0)", extra, "}");
}

std::string Offers(const std::vector<std::string>& offer_ids, const std::string& sdp = "v=0") {
  std::string out = R"(,"offers":[)";
  for (size_t i = 0; i < offer_ids.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "" : ",", R"({"offer":{"type":"offer","sdp":")", sdp, i,
                    R"("},"offer_id":")", offer_ids[i], R"("})");
  }
  return out + "]";
}

// Bounded wait for a condition another thread makes true.
bool Eventually(const std::function<bool()>& condition, milliseconds timeout = milliseconds(3000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return condition();
}

class WsTrackerTest : public testing::Test {
 protected:
  void StartTracker(const std::function<void(config::WsConfig&)>& adjust = nullptr) {
    config::WsConfig config;
    config.set_socket_workers(2);
    config.set_log_level(config::LOG_LEVEL_OFF);
    config.mutable_network()->mutable_listen()->set_address_ipv4("127.0.0.1:0");
    config.mutable_network()->mutable_listen()->set_address_ipv6("[::1]:0");
    config.mutable_statistics()->set_run_prometheus_endpoint(false);
    if (adjust) adjust(config);
    // The same tests as `aquatic ws` and as [ws] of an `aquatic run` serving
    // every protocol (the ws_tracker_combined_test target).
    absl::StatusOr<std::unique_ptr<Runtime>> runtime =
        std::getenv("AQUATIC_TEST_COMBINED") != nullptr ? StartCombinedServer("ws", config)
                                                         : StartServer("ws", config);
    ASSERT_TRUE(runtime.ok()) << runtime.status();
    runtime_ = *std::move(runtime);
    tracker_ = static_cast<WsFrontEnd*>(runtime_->Find("ws"));
    ASSERT_NE(tracker_, nullptr);
    if (std::getenv("AQUATIC_TEST_COMBINED") != nullptr) {
      ASSERT_NE(runtime_->Find("udp"), nullptr);
      ASSERT_NE(runtime_->Find("http"), nullptr);
    }
  }

  swarm::WsTorrentEngine& engine() { return runtime_->swarms().webtorrent(); }

  std::unique_ptr<WsTestClient> Connect(bool ipv6 = false) {
    WsTestClient::Options options;
    options.ipv6 = ipv6;
    std::string error;
    auto client =
        WsTestClient::Connect(ipv6 ? tracker_->ipv6_port() : tracker_->ipv4_port(), options, &error);
    EXPECT_NE(client, nullptr) << error;
    return client;
  }

  // Sends an announce and returns its reply parsed.
  wire::AnnounceResponse AnnounceAndRead(WsTestClient& client, const std::string& text) {
    EXPECT_TRUE(client.SendText(text));
    std::optional<std::string> reply = client.Read();
    wire::AnnounceResponse response;
    EXPECT_TRUE(reply.has_value()) << client.error();
    if (reply.has_value()) {
      EXPECT_TRUE(wire::Parse(*reply, &response).ok()) << *reply;
    }
    return response;
  }

  wire::ScrapeResponse Scrape(WsTestClient& client, const std::string& text) {
    EXPECT_TRUE(client.SendText(text));
    std::optional<std::string> reply = client.Read();
    wire::ScrapeResponse response;
    EXPECT_TRUE(reply.has_value());
    if (reply.has_value()) {
      EXPECT_TRUE(wire::Parse(*reply, &response).ok()) << *reply;
    }
    return response;
  }

  wire::ErrorResponse ReadError(WsTestClient& client) {
    std::optional<std::string> reply = client.Read();
    wire::ErrorResponse response;
    EXPECT_TRUE(reply.has_value()) << client.error();
    if (reply.has_value()) {
      EXPECT_TRUE(wire::Parse(*reply, &response).ok()) << *reply;
    }
    return response;
  }

  uint64_t Total(WsCounter counter) { return tracker_->counters().Total(counter); }

  std::unique_ptr<Runtime> runtime_;
  WsFrontEnd* tracker_ = nullptr;
};

TEST_F(WsTrackerTest, AnnounceCountsAndScrape) {
  StartTracker();
  auto leecher = Connect();
  auto seeder = Connect();
  wire::AnnounceResponse first =
      AnnounceAndRead(*leecher, Announce(Id('h'), Id('a'), R"(,"left":10,"event":"started")"));
  EXPECT_EQ(first.info_hash, Bytes('h'));
  EXPECT_EQ(first.complete, 0);
  EXPECT_EQ(first.incomplete, 1);
  EXPECT_EQ(first.interval, 120);
  wire::AnnounceResponse second =
      AnnounceAndRead(*seeder, Announce(Id('h'), Id('b'), R"(,"left":0,"event":"started")"));
  EXPECT_EQ(second.complete, 1);
  EXPECT_EQ(second.incomplete, 1);

  wire::ScrapeResponse one = Scrape(*leecher, absl::StrCat(R"({"action":"scrape","info_hash":")",
                                                          Id('h'), R"("})"));
  ASSERT_EQ(one.files.size(), 1u);
  EXPECT_EQ(one.files[0].info_hash, Bytes('h'));
  EXPECT_EQ(one.files[0].complete, 1);
  EXPECT_EQ(one.files[0].incomplete, 1);
  EXPECT_EQ(one.files[0].downloaded, 0);
  wire::ScrapeResponse many = Scrape(
      *leecher, absl::StrCat(R"({"action":"scrape","info_hash":[")", Id('h'), R"(",")", Id('u'),
                             R"("]})"));
  ASSERT_EQ(many.files.size(), 2u);
  EXPECT_EQ(many.files[1].info_hash, Bytes('u'));
  EXPECT_EQ(many.files[1].complete + many.files[1].incomplete, 0);
  wire::ScrapeResponse none = Scrape(*leecher, R"({"action":"scrape"})");
  EXPECT_TRUE(none.files.empty());
}

TEST_F(WsTrackerTest, CompletedCountsOncePerPeerAndStoppedRemoves) {
  StartTracker();
  auto client = Connect();
  auto observer = Connect();  // keeps the torrent (and its count) alive
  AnnounceAndRead(*observer, Announce(Id('h'), Id('z'), R"(,"left":10)"));
  AnnounceAndRead(*client, Announce(Id('h'), Id('a'), R"(,"left":10,"event":"started")"));
  wire::AnnounceResponse done =
      AnnounceAndRead(*client, Announce(Id('h'), Id('a'), R"(,"left":0,"event":"completed")"));
  EXPECT_EQ(done.complete, 1);
  EXPECT_EQ(done.incomplete, 1);
  AnnounceAndRead(*client, Announce(Id('h'), Id('a'), R"(,"left":0,"event":"completed")"));
  const std::string scrape = absl::StrCat(R"({"action":"scrape","info_hash":")", Id('h'), R"("})");
  EXPECT_EQ(Scrape(*client, scrape).files.at(0).downloaded, 1);
  wire::AnnounceResponse stopped =
      AnnounceAndRead(*client, Announce(Id('h'), Id('a'), R"(,"left":0,"event":"stopped")"));
  EXPECT_EQ(stopped.complete, 0);
  EXPECT_EQ(stopped.incomplete, 1);
  wire::ScrapeStatistics after = Scrape(*client, scrape).files.at(0);
  EXPECT_EQ(after.complete, 0);
  EXPECT_EQ(after.incomplete, 1);
  EXPECT_EQ(after.downloaded, 1);
  EXPECT_EQ(engine().Stats().peers_ipv4, 1);
  // A torrent without peers is forgotten, its count with it (as in the UDP engine).
  AnnounceAndRead(*observer, Announce(Id('h'), Id('z'), R"(,"left":10,"event":"stopped")"));
  EXPECT_EQ(engine().Stats().torrents, 0);
}

TEST_F(WsTrackerTest, OffersGoToDistinctPeersAndAnswersComeBack) {
  StartTracker();
  std::vector<std::unique_ptr<WsTestClient>> peers;
  for (char id : {'a', 'b', 'c'}) {
    peers.push_back(Connect());
    AnnounceAndRead(*peers.back(), Announce(Id('h'), Id(id), R"(,"left":10)"));
  }
  auto offerer = Connect();
  wire::AnnounceResponse reply =
      AnnounceAndRead(*offerer, Announce(Id('h'), Id('o'), R"(,"left":10)" +
                                                               Offers({Id('1'), Id('2')})));
  EXPECT_EQ(reply.incomplete, 4);
  // Exactly two of the three peers get one offer each, with different ids.
  std::set<std::string> offer_ids;
  WsTestClient* receiver = nullptr;
  std::string receiver_id;
  for (size_t i = 0; i < peers.size(); ++i) {
    std::optional<std::string> message = peers[i]->Read(milliseconds(i == 2 && offer_ids.size() == 2 ? 300 : 1500));
    if (!message.has_value()) continue;
    wire::OfferMessage offer;
    ASSERT_TRUE(wire::Parse(*message, &offer).ok()) << *message;
    EXPECT_EQ(offer.info_hash, Bytes('h'));
    EXPECT_EQ(offer.peer_id, Bytes('o'));
    EXPECT_TRUE(absl::StrContains(offer.offer, "\"type\":\"offer\"")) << offer.offer;
    offer_ids.insert(std::string(offer.offer_id.begin(), offer.offer_id.end()));
    receiver = peers[i].get();
    receiver_id = Id("abc"[i]);
    EXPECT_FALSE(peers[i]->Read(milliseconds(100)).has_value()) << "a second offer to one peer";
  }
  EXPECT_EQ(offer_ids, (std::set<std::string>{Id('1'), Id('2')}));
  ASSERT_NE(receiver, nullptr);

  // An answer to an offer it never got is dropped; the real one is relayed.
  const std::string answer = R"(,"answer":{"type":"answer","sdp":"v=0 answer"},"to_peer_id":")";
  std::string offer_id;
  for (const std::string& id : offer_ids) offer_id = id;  // the one `receiver` got is either
  ASSERT_TRUE(receiver->SendText(
      Announce(Id('h'), receiver_id, answer + Id('o') + R"(","offer_id":")" + Id('9') + "\"")));
  EXPECT_FALSE(offerer->Read(milliseconds(200)).has_value());
  EXPECT_TRUE(Eventually([&] { return Total(WsCounter::kAnswersDropped) == 1; }));
}

TEST_F(WsTrackerTest, AnswerIsRelayedToTheOfferer) {
  StartTracker();
  auto answerer = Connect();
  AnnounceAndRead(*answerer, Announce(Id('h'), Id('a'), R"(,"left":10)"));
  auto offerer = Connect(/*ipv6=*/false);
  AnnounceAndRead(*offerer, Announce(Id('h'), Id('o'), R"(,"left":0)" + Offers({Id('7')})));
  std::optional<std::string> message = answerer->Read();
  ASSERT_TRUE(message.has_value());
  wire::OfferMessage offer;
  ASSERT_TRUE(wire::Parse(*message, &offer).ok()) << *message;
  EXPECT_EQ(offer.offer_id, Bytes('7'));
  ASSERT_TRUE(answerer->SendText(
      Announce(Id('h'), Id('a'),
               R"(,"answer":{"type":"answer","sdp":"v=0 ok"},"to_peer_id":")" + Id('o') +
                   R"(","offer_id":")" + Id('7') + "\"")));
  message = offerer->Read();
  ASSERT_TRUE(message.has_value());
  wire::AnswerMessage answer;
  ASSERT_TRUE(wire::Parse(*message, &answer).ok()) << *message;
  EXPECT_EQ(answer.info_hash, Bytes('h'));
  EXPECT_EQ(answer.peer_id, Bytes('a'));
  EXPECT_EQ(answer.offer_id, Bytes('7'));
  EXPECT_EQ(answer.answer, R"({"type":"answer","sdp":"v=0 ok"})");
  // No reply to the answer itself, and a second answer to the same offer is dropped.
  EXPECT_FALSE(answerer->Read(milliseconds(100)).has_value());
  ASSERT_TRUE(answerer->SendText(
      Announce(Id('h'), Id('a'),
               R"(,"answer":{"type":"answer","sdp":"again"},"to_peer_id":")" + Id('o') +
                   R"(","offer_id":")" + Id('7') + "\"")));
  EXPECT_FALSE(offerer->Read(milliseconds(200)).has_value());
  EXPECT_EQ(Total(WsCounter::kAnswersRelayed), 1u);
  EXPECT_EQ(Total(WsCounter::kOffersRelayed), 1u);
}

TEST_F(WsTrackerTest, ClosedConnectionLeavesEverySwarm) {
  StartTracker();
  auto observer = Connect();
  {
    auto client = Connect();
    AnnounceAndRead(*client, Announce(Id('h'), Id('a'), R"(,"left":10)"));
    AnnounceAndRead(*client, Announce(Id('g'), Id('a'), R"(,"left":0)"));
    EXPECT_EQ(engine().Stats().peers_ipv4, 2);
    client->Close();
  }
  EXPECT_TRUE(Eventually([&] { return engine().Stats().peers_ipv4 == 0; }));
  wire::ScrapeResponse scrape = Scrape(
      *observer, absl::StrCat(R"({"action":"scrape","info_hash":[")", Id('h'), R"(",")", Id('g'),
                              R"("]})"));
  for (const auto& file : scrape.files) EXPECT_EQ(file.complete + file.incomplete, 0);
  EXPECT_EQ(engine().Stats().torrents, 0);
}

TEST_F(WsTrackerTest, Latin1HashesInBothJsonForms) {
  StartTracker();
  auto client = Connect();
  // 20 code points U+00FF/U+0080/'a': raw UTF-8 in one message, \u escapes in the other.
  std::string raw, escaped;
  std::array<uint8_t, 20> bytes;
  for (int i = 0; i < 20; ++i) {
    const uint8_t byte = i % 3 == 0 ? 0xff : (i % 3 == 1 ? 0x80 : 'a');
    bytes[i] = byte;
    if (byte < 0x80) {
      raw += static_cast<char>(byte);
      escaped += static_cast<char>(byte);
    } else {
      raw += static_cast<char>(0xc0 | (byte >> 6));
      raw += static_cast<char>(0x80 | (byte & 0x3f));
      escaped += byte == 0xff ? "\\u00ff" : "\\u0080";
    }
  }
  wire::AnnounceResponse first = AnnounceAndRead(*client, Announce(raw, Id('a'), R"(,"left":1)"));
  EXPECT_EQ(first.info_hash, bytes);
  auto other = Connect();  // one peer id per torrent and connection
  wire::AnnounceResponse second =
      AnnounceAndRead(*other, Announce(escaped, Id('b'), R"(,"left":0)"));
  EXPECT_EQ(second.info_hash, bytes);
  EXPECT_EQ(second.complete, 1);
  EXPECT_EQ(second.incomplete, 1);
  // A code point above U+00FF is not a Latin-1 hash.
  ASSERT_TRUE(client->SendText(Announce("\\u0100" + Id('x').substr(1), Id('c'))));
  wire::ErrorResponse error = ReadError(*client);
  EXPECT_FALSE(error.failure_reason.empty());
  EXPECT_EQ(error.action, "announce");
}

TEST_F(WsTrackerTest, BadMessagesGetFailureReasonsAndTheConnectionLives) {
  StartTracker();
  auto client = Connect();
  auto other = Connect();
  AnnounceAndRead(*other, Announce(Id('h'), Id('z'), R"(,"left":1)"));
  for (const std::string& bad :
       {std::string("not json"), std::string(R"({"info_hash":"x"})"),
        std::string(R"({"action":"announce","info_hash":"short","peer_id":")") + Id('a') + "\"}",
        std::string(R"({"action":"announce","info_hash":")") + Id('h') + R"(","peer_id":5})",
        std::string(R"({"action":"scrape","info_hash":7})"), std::string(R"({"action":"dance"})"),
        std::string("[]"), std::string("")}) {
    ASSERT_TRUE(client->SendText(bad)) << bad;
    wire::ErrorResponse error = ReadError(*client);
    EXPECT_FALSE(error.failure_reason.empty()) << bad;
  }
  // The action and info hash come back when readable.
  ASSERT_TRUE(client->SendText(std::string(R"({"action":"announce","info_hash":")") + Id('h') +
                               R"(","peer_id":5})"));
  wire::ErrorResponse error = ReadError(*client);
  EXPECT_EQ(error.action, "announce");
  EXPECT_EQ(error.info_hash, Bytes('h'));
  // Still served, and the other connection is untouched.
  EXPECT_EQ(AnnounceAndRead(*client, Announce(Id('h'), Id('a'), R"(,"left":1)")).incomplete, 2);
  EXPECT_EQ(AnnounceAndRead(*other, Announce(Id('h'), Id('z'), R"(,"left":1)")).incomplete, 2);
  EXPECT_GE(Total(WsCounter::kErrorResponses), 9u);
}

TEST_F(WsTrackerTest, BinaryMessageClosesWith1003) {
  StartTracker();
  auto client = Connect();
  ASSERT_TRUE(client->SendBinary(Announce(Id('h'), Id('a'))));
  EXPECT_FALSE(client->Read().has_value());
  EXPECT_TRUE(client->closed());
  EXPECT_EQ(client->close_code(), 1003);
  EXPECT_TRUE(Eventually([&] { return tracker_->open_connections() == 0; }));
  EXPECT_EQ(Total(WsCounter::kBinaryMessageCloses), 1u);
}

TEST_F(WsTrackerTest, InvalidUtf8ClosesWith1007) {
  StartTracker();
  auto client = Connect();
  ASSERT_TRUE(client->SendText("{\"action\":\"scrape\",\"x\":\"\xc3\x28\"}"));
  EXPECT_FALSE(client->Read().has_value());
  EXPECT_TRUE(client->closed());
  EXPECT_EQ(client->close_code(), 1007);
  EXPECT_EQ(Total(WsCounter::kInvalidUtf8Closes), 1u);
  // Valid UTF-8 with Latin-1 characters (the hashes) before a long ASCII run
  // is fine, also as a text message in several frames (the first one says
  // text, the others are continuations).
  WsTestClient::Options fragmented;
  fragmented.frame_bytes = 700;
  auto other = WsTestClient::Connect(tracker_->ipv4_port(), fragmented);
  ASSERT_NE(other, nullptr);
  const std::string scrape =
      "{\"action\":\"scrape\",\"info_hash\":\"\xc3\xbf" + std::string(19, 'h') + "\",\"x\":\"" +
      std::string(3000, 'a') + "\"}";
  ASSERT_TRUE(other->SendText(scrape));
  EXPECT_TRUE(other->Read().has_value());
  EXPECT_FALSE(other->closed());
}

TEST_F(WsTrackerTest, MessageOverTheLimitCloses) {
  StartTracker([](config::WsConfig& config) {
    config.mutable_network()->set_websocket_max_message_size(2048);
    config.mutable_network()->set_websocket_max_frame_size(1024);
  });
  // Frames within the frame limit, a message over the message limit.
  WsTestClient::Options fragmented;
  fragmented.frame_bytes = 1000;
  auto client = WsTestClient::Connect(tracker_->ipv4_port(), fragmented);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(AnnounceAndRead(*client, Announce(Id('h'), Id('a'), Offers({Id('1')}, "small")))
                .incomplete,
            1);
  ASSERT_TRUE(client->SendText(Announce(Id('h'), Id('a'), Offers({Id('1')}, std::string(3000, 's')))));
  EXPECT_FALSE(client->Read().has_value());
  EXPECT_TRUE(client->closed());
  EXPECT_EQ(client->close_code(), 1009);
  EXPECT_TRUE(Eventually([&] { return engine().Stats().peers_ipv4 == 0; }));
}

TEST_F(WsTrackerTest, FrameOverTheLimitCloses) {
  StartTracker([](config::WsConfig& config) {
    config.mutable_network()->set_websocket_max_frame_size(1024);
  });
  const std::string big_offer = Announce(Id('h'), Id('a'), Offers({Id('1')}, std::string(3000, 's')));
  // The 3 KB message in frames of 1000 bytes: within both limits.
  WsTestClient::Options fragmented;
  fragmented.frame_bytes = 1000;
  auto fine = WsTestClient::Connect(tracker_->ipv4_port(), fragmented);
  ASSERT_NE(fine, nullptr);
  EXPECT_EQ(AnnounceAndRead(*fine, big_offer).incomplete, 1);

  // The same message as one 3 KB frame: the connection is closed, the peer
  // it announced is removed, the other connection is untouched.
  WsTestClient::Options single;
  single.frame_bytes = 0;
  auto client = WsTestClient::Connect(tracker_->ipv4_port(), single);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(AnnounceAndRead(*client, Announce(Id('g'), Id('b'), Offers({Id('2')}, "small")))
                .incomplete,
            1);
  ASSERT_TRUE(client->SendText(Announce(Id('g'), Id('b'), Offers({Id('3')}, std::string(3000, 's')))));
  EXPECT_FALSE(client->Read().has_value());
  EXPECT_TRUE(client->closed());
  EXPECT_TRUE(Eventually([&] { return engine().Stats().peers_ipv4 == 1; }));
  EXPECT_EQ(AnnounceAndRead(*fine, Announce(Id('h'), Id('a'), R"(,"left":1)")).incomplete, 1);
}

TEST_F(WsTrackerTest, SlowReaderIsDisconnected) {
  StartTracker([](config::WsConfig& config) { config.set_socket_workers(1); });
  WsTestClient::Options options;
  options.receive_buffer = 4096;
  auto slow = WsTestClient::Connect(tracker_->ipv4_port(), options);
  ASSERT_NE(slow, nullptr);
  AnnounceAndRead(*slow, Announce(Id('h'), Id('s'), R"(,"left":1)"));
  auto writer = Connect();
  const std::string sdp(12000, 'x');
  int sent = 0;
  for (; sent < 1000 && Total(WsCounter::kSlowReaderDisconnects) == 0; ++sent) {
    char offer_id[21];
    std::snprintf(offer_id, sizeof(offer_id), "%020d", sent);
    AnnounceAndRead(*writer, Announce(Id('h'), Id('w'), R"(,"left":1)" + Offers({offer_id}, sdp)));
  }
  EXPECT_TRUE(Eventually([&] { return Total(WsCounter::kSlowReaderDisconnects) == 1; }));
  EXPECT_TRUE(Eventually([&] { return engine().Stats().peers_ipv4 == 1; }));
  // The slow client finds its connection closed after what was already sent.
  int received = 0;
  while (slow->Read(milliseconds(2000)).has_value()) ++received;
  EXPECT_TRUE(slow->closed());
  EXPECT_LT(received, sent);
  std::printf("slow reader: closed after %d offers, %d received\n", sent, received);
  // The writer is fine.
  EXPECT_EQ(AnnounceAndRead(*writer, Announce(Id('h'), Id('w'), R"(,"left":1)")).incomplete, 1);
}

TEST_F(WsTrackerTest, Ipv6PeersHaveTheirOwnSwarm) {
  StartTracker();
  ASSERT_NE(tracker_->ipv6_port(), 0);
  auto v6 = Connect(/*ipv6=*/true);
  auto v4 = Connect(/*ipv6=*/false);
  EXPECT_EQ(AnnounceAndRead(*v6, Announce(Id('h'), Id('a'), R"(,"left":1)")).incomplete, 1);
  EXPECT_EQ(AnnounceAndRead(*v4, Announce(Id('h'), Id('b'), R"(,"left":1)" + Offers({Id('1')})))
                .incomplete,
            1);
  EXPECT_FALSE(v6->Read(milliseconds(200)).has_value());  // no offer across families
  auto v6b = Connect(/*ipv6=*/true);
  AnnounceAndRead(*v6b, Announce(Id('h'), Id('c'), R"(,"left":1)" + Offers({Id('2')})));
  std::optional<std::string> offer = v6->Read();
  ASSERT_TRUE(offer.has_value());
  EXPECT_TRUE(absl::StrContains(*offer, "\"offer_id\""));
  EXPECT_EQ(engine().Stats().peers_ipv6, 2);
  wire::ScrapeResponse scrape = Scrape(
      *v6, absl::StrCat(R"({"action":"scrape","info_hash":")", Id('h'), R"("})"));
  EXPECT_EQ(scrape.files.at(0).incomplete, 3);
}

TEST_F(WsTrackerTest, SecureWebSocket) {
  StartTracker([](config::WsConfig& config) {
    auto* tls = config.mutable_network()->mutable_tls();
    tls->set_enable_tls(true);
    tls->set_tls_certificate_path("tracker/server/testdata/certificate.pem");
    tls->set_tls_private_key_path("tracker/server/testdata/private_key.pem");
  });
  for (bool ipv6 : {false, true}) {
    WsTestClient::Options options;
    options.tls = true;
    options.ipv6 = ipv6;
    std::string error;
    auto client = WsTestClient::Connect(ipv6 ? tracker_->ipv6_port() : tracker_->ipv4_port(),
                                        options, &error);
    ASSERT_NE(client, nullptr) << error;
    EXPECT_EQ(AnnounceAndRead(*client, Announce(Id('h'), Id(ipv6 ? 'b' : 'a'), R"(,"left":0)"))
                  .complete,
              1);
  }
  // A plain client cannot talk to a TLS port.
  WsTestClient::Options plain;
  plain.timeout = milliseconds(1000);
  EXPECT_EQ(WsTestClient::Connect(tracker_->ipv4_port(), plain), nullptr);
  runtime_->Reload();  // SIGUSR1: same files, new context for new connections
  WsTestClient::Options options;
  options.tls = true;
  EXPECT_NE(WsTestClient::Connect(tracker_->ipv4_port(), options), nullptr);
}

TEST_F(WsTrackerTest, HealthCheck) {
  StartTracker([](config::WsConfig& config) {
    config.mutable_network()->set_enable_http_health_checks(true);
  });
  std::optional<std::string> health = HttpGet(tracker_->ipv4_port(), false, "/health");
  ASSERT_TRUE(health.has_value());
  EXPECT_TRUE(absl::StartsWith(*health, "HTTP/1.1 200")) << *health;
  health = HttpGet(tracker_->ipv6_port(), true, "/health");
  ASSERT_TRUE(health.has_value());
  EXPECT_TRUE(absl::StartsWith(*health, "HTTP/1.1 200")) << *health;
  std::optional<std::string> other = HttpGet(tracker_->ipv4_port(), false, "/other");
  ASSERT_TRUE(other.has_value());
  EXPECT_TRUE(absl::StartsWith(*other, "HTTP/1.1 400")) << *other;
  // WebSocket on the same port still works.
  auto client = Connect();
  EXPECT_EQ(AnnounceAndRead(*client, Announce(Id('h'), Id('a'))).incomplete, 1);
}

TEST_F(WsTrackerTest, HealthCheckOffByDefault) {
  StartTracker();
  std::optional<std::string> health = HttpGet(tracker_->ipv4_port(), false, "/health");
  ASSERT_TRUE(health.has_value());
  EXPECT_TRUE(absl::StartsWith(*health, "HTTP/1.1 400")) << *health;
}

TEST_F(WsTrackerTest, MaxConnectionsPerWorker) {
  StartTracker([](config::WsConfig& config) {
    config.set_socket_workers(1);
    config.mutable_network()->set_max_connections(2);
    config.mutable_network()->mutable_listen()->set_use_ipv6(false);
  });
  auto first = Connect();
  auto second = Connect();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  WsTestClient::Options options;
  options.timeout = milliseconds(1000);
  EXPECT_EQ(WsTestClient::Connect(tracker_->ipv4_port(), options), nullptr);
  EXPECT_EQ(tracker_->tcp().counters().Total(TcpCounter::kRefused), 1u);
  first->Close();
  first.reset();
  EXPECT_TRUE(Eventually([&] { return tracker_->open_connections() == 1; }));
  EXPECT_NE(WsTestClient::Connect(tracker_->ipv4_port(), options), nullptr);
}

TEST_F(WsTrackerTest, IdleConnectionIsClosed) {
  StartTracker([](config::WsConfig& config) {
    config.mutable_cleaning()->set_max_connection_idle(1);
  });
  auto client = Connect();
  AnnounceAndRead(*client, Announce(Id('h'), Id('a')));
  EXPECT_FALSE(client->Read(milliseconds(4000)).has_value());
  EXPECT_TRUE(client->closed());
  EXPECT_TRUE(Eventually([&] { return engine().Stats().peers_ipv4 == 0; }));
}

TEST_F(WsTrackerTest, MessagesKeepAConnectionOpenPastTheIdleTimeout) {
  StartTracker([](config::WsConfig& config) {
    config.mutable_cleaning()->set_max_connection_idle(1);
  });
  auto client = Connect();
  const auto end = std::chrono::steady_clock::now() + milliseconds(2600);
  int scrapes = 0;
  while (std::chrono::steady_clock::now() < end) {
    EXPECT_EQ(Scrape(*client, absl::StrCat(R"({"action":"scrape","info_hash":")", Id('h'),
                                           R"("})"))
                  .files.size(),
              1u);
    ++scrapes;
    std::this_thread::sleep_for(milliseconds(300));
  }
  EXPECT_GE(scrapes, 5);
  EXPECT_FALSE(client->closed());
}

// A connection that never finishes the WebSocket handshake (here: never sends
// a byte) is closed after the handshake timeout, 10 seconds.
TEST_F(WsTrackerTest, SilentConnectionIsClosedAfterTheHandshakeTimeout) {
  StartTracker([](config::WsConfig& config) {
    config.mutable_network()->mutable_listen()->set_use_ipv6(false);
  });
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(tracker_->ipv4_port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  const timeval wait{14, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
  EXPECT_TRUE(Eventually([&] { return tracker_->open_connections() == 1; }));
  const auto start = std::chrono::steady_clock::now();
  char byte;
  const ssize_t received = recv(fd, &byte, 1, 0);
  const auto waited = std::chrono::steady_clock::now() - start;
  close(fd);
  EXPECT_EQ(received, 0) << "closed by the tracker, not timed out here";
  EXPECT_GE(waited, milliseconds(8500));
  EXPECT_LE(waited, milliseconds(12500));
  EXPECT_TRUE(Eventually([&] { return tracker_->open_connections() == 0; }));
}

TEST_F(WsTrackerTest, AccessListDenies) {
  const std::string path = absl::StrCat(testing::TempDir(), "/ws_tracker_test_access_list");
  std::ofstream(path) << std::string(40, 'a') << "\n";  // hash 0xaa.. only
  StartTracker([&path](config::WsConfig& config) {
    config.mutable_access_list()->set_mode(config::ACCESS_LIST_MODE_ALLOW);
    config.mutable_access_list()->set_path(path);
  });
  auto client = Connect();
  ASSERT_TRUE(client->SendText(Announce(Id('h'), Id('a'))));
  wire::ErrorResponse error = ReadError(*client);
  EXPECT_EQ(error.failure_reason, "info hash not allowed");
  EXPECT_EQ(error.info_hash, Bytes('h'));
  EXPECT_EQ(engine().Stats().torrents, 0);
  std::string allowed;
  for (int i = 0; i < 20; ++i) allowed += "\\u00aa";
  EXPECT_EQ(AnnounceAndRead(*client, Announce(allowed, Id('a'))).incomplete, 1);
  wire::ScrapeResponse scrape = Scrape(
      *client, absl::StrCat(R"({"action":"scrape","info_hash":")", Id('h'), R"("})"));
  EXPECT_EQ(scrape.files.at(0).incomplete, 0);
}

TEST_F(WsTrackerTest, PrometheusAndStatistics) {
  StartTracker([](config::WsConfig& config) {
    config.mutable_statistics()->set_run_prometheus_endpoint(true);
    config.mutable_statistics()->set_prometheus_endpoint_address("127.0.0.1:0");
  });
  auto client = Connect();
  AnnounceAndRead(*client, Announce(Id('h'), Id('a'), R"(,"left":0)"));
  const std::string text = runtime_->RenderPrometheus();
  EXPECT_TRUE(absl::StrContains(
      text, "aquatic_requests_total{protocol=\"ws\",type=\"announce\",ip_version=\"4\"} 1"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "aquatic_seeders{swarm=\"webtorrent\"} 1")) << text;
  EXPECT_TRUE(absl::StrContains(text, "aquatic_open_connections{protocol=\"ws\"} 1")) << text;
  EXPECT_TRUE(absl::StrContains(
      text, "aquatic_connections_total{protocol=\"ws\",result=\"accepted\",ip_version=\"4\"} 1"))
      << text;
  EXPECT_NE(runtime_->prometheus_port(), 0);
  runtime_->ReportStatistics();
  runtime_->Clean();
  EXPECT_EQ(engine().Stats().peers_ipv4, 1);  // not stale yet
}

}  // namespace
}  // namespace aquatic::ws
