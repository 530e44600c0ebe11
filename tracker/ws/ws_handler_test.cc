// WsRequestHandler without sockets: connections are fake sinks that record
// what the handler routes to them.
#include "tracker/ws/ws_handler.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "codec/ws/ws.codec.h"
#include "gtest/gtest.h"
#include "tracker/base/access_list.h"
#include "tracker/ws/ws_metrics.h"

namespace aquatic::ws {
namespace {

namespace wire = ::aquatic::codec::ws;

using swarm::WsTorrentEngine;

class RecordingSink : public swarm::WsPeerSink {
 public:
  void Deliver(std::string message) override { messages.push_back(std::move(message)); }
  std::vector<std::string> messages;
};

std::string Id(char fill) { return std::string(20, fill); }

std::string Announce(char peer, const std::string& extra = "", char hash = 'h') {
  return absl::StrCat(R"({"action":"announce","info_hash":")", Id(hash), R"(","peer_id":")",
                      Id(peer), "\"", extra, "}");
}

std::string Offers(int count, char first_id = '0') {
  std::string out = R"(,"offers":[)";
  for (int i = 0; i < count; ++i) {
    absl::StrAppend(&out, i == 0 ? "" : ",", R"({"offer":{"sdp":"x"},"offer_id":")",
                    Id(static_cast<char>(first_id + i)), R"("})");
  }
  return out + "]";
}

std::string Answer(char from, char to, char offer_id) {
  return Announce(from, absl::StrCat(R"(,"answer":{"sdp":"y"},"to_peer_id":")", Id(to),
                                     R"(","offer_id":")", Id(offer_id), "\""));
}

class WsHandlerTest : public testing::Test {
 protected:
  struct Connection {
    std::shared_ptr<RecordingSink> sink = std::make_shared<RecordingSink>();
    WsConnectionState state;
    std::vector<std::string> replies;
  };

  WsHandlerTest()
      : access_list_(AccessListMode::kOff, "",
                     *AccessList::Parse(AccessListMode::kOff, "", "test")),
        metrics_(1) {
    settings_.max_offers = 3;
    settings_.max_scrape_torrents = 2;
    handler_ = std::make_unique<WsRequestHandler>(settings_, &engine_, &access_list_,
                                                  metrics_.ForWorker(0), 7);
  }

  Connection& NewConnection() {
    connections_.push_back(std::make_unique<Connection>());
    Connection& connection = *connections_.back();
    connection.state.sink = connection.sink;
    return connection;
  }

  WsMessageOutcome Send(Connection& connection, const std::string& text) {
    return handler_->HandleMessage(text, connection.state, now_, &connection.replies);
  }

  WsProtocolSettings settings_;
  WsTorrentEngine engine_{4};
  AccessListHolder access_list_;
  Counters<WsCounter> metrics_;
  std::unique_ptr<WsRequestHandler> handler_;
  std::vector<std::unique_ptr<Connection>> connections_;
  uint32_t now_ = 100;
};

TEST_F(WsHandlerTest, OffersGoToDistinctPeersUpToMaxOffers) {
  std::vector<Connection*> peers;
  for (char id = 'a'; id < 'f'; ++id) {
    peers.push_back(&NewConnection());
    Send(*peers.back(), Announce(id, R"(,"left":1)"));
  }
  Connection& offerer = NewConnection();
  Send(offerer, Announce('o', R"(,"left":1)" + Offers(5)));
  ASSERT_EQ(offerer.replies.size(), 1u);
  int receivers = 0;
  std::set<std::string> offer_ids;
  for (Connection* peer : peers) {
    ASSERT_LE(peer->sink->messages.size(), 1u);
    if (peer->sink->messages.empty()) continue;
    ++receivers;
    wire::OfferMessage offer;
    ASSERT_TRUE(wire::Parse(peer->sink->messages[0], &offer).ok());
    offer_ids.insert(std::string(offer.offer_id.begin(), offer.offer_id.end()));
  }
  EXPECT_EQ(receivers, 3);
  EXPECT_EQ(offer_ids.size(), 3u);
  EXPECT_TRUE(offerer.sink->messages.empty());
}

TEST_F(WsHandlerTest, SeedersOffersSkipSeeders) {
  Connection& seeder = NewConnection();
  Send(seeder, Announce('s', R"(,"left":0)"));
  Connection& other_seeder = NewConnection();
  Send(other_seeder, Announce('t', R"(,"left":0)" + Offers(2)));
  EXPECT_TRUE(seeder.sink->messages.empty());
  Connection& leecher = NewConnection();
  Send(leecher, Announce('l', R"(,"left":5)" + Offers(2)));
  EXPECT_EQ(seeder.sink->messages.size() + other_seeder.sink->messages.size(), 2u);
}

TEST_F(WsHandlerTest, OnlyAnswersToForwardedOffersAreRelayed) {
  Connection& receiver = NewConnection();
  Send(receiver, Announce('r', R"(,"left":1)"));
  Connection& stranger = NewConnection();
  Connection& offerer = NewConnection();
  Send(offerer, Announce('o', R"(,"left":1)" + Offers(1, '5')));
  ASSERT_EQ(receiver.sink->messages.size(), 1u);
  Send(stranger, Answer('x', 'o', '5'));     // not the peer the offer went to
  Send(receiver, Answer('r', 'o', '6'));     // not an offer id that was sent
  Send(receiver, Answer('r', 'q', '5'));     // not the offering peer
  EXPECT_TRUE(offerer.sink->messages.empty());
  Send(receiver, Answer('r', 'o', '5'));
  ASSERT_EQ(offerer.sink->messages.size(), 1u);
  wire::AnswerMessage answer;
  ASSERT_TRUE(wire::Parse(offerer.sink->messages[0], &answer).ok());
  EXPECT_EQ(std::string(answer.peer_id.begin(), answer.peer_id.end()), Id('r'));
  Send(receiver, Answer('r', 'o', '5'));  // once only
  EXPECT_EQ(offerer.sink->messages.size(), 1u);
  EXPECT_EQ(metrics_.Total(WsCounter::kAnswersDropped), 4u);
  EXPECT_TRUE(receiver.replies.size() == 1);  // answers get no reply
}

TEST_F(WsHandlerTest, OffersExpire) {
  Connection& receiver = NewConnection();
  Send(receiver, Announce('r', R"(,"left":1)"));
  Connection& offerer = NewConnection();
  Send(offerer, Announce('o', R"(,"left":1)" + Offers(1, '5')));
  now_ = 200;
  Send(offerer, Announce('o', R"(,"left":1)"));
  Send(receiver, Announce('r', R"(,"left":1)"));
  engine_.Clean(/*peer_cutoff=*/150, /*offer_cutoff=*/150);
  Send(receiver, Answer('r', 'o', '5'));
  EXPECT_TRUE(offerer.sink->messages.empty());
}

TEST_F(WsHandlerTest, CloseRemovesOnlyPeersStillRoutedToTheConnection) {
  Connection& first = NewConnection();
  Send(first, Announce('p', R"(,"left":1)"));
  Send(first, Announce('p', R"(,"left":1)", 'g'));
  Connection& second = NewConnection();
  Send(second, Announce('p', R"(,"left":0)"));  // the same peer id reconnected
  EXPECT_EQ(engine_.Stats().peers_ipv4, 2);
  handler_->HandleClose(first.state, now_);
  const SwarmStats stats = engine_.Stats();
  EXPECT_EQ(stats.peers_ipv4, 1);
  EXPECT_EQ(stats.seeders, 1);
  EXPECT_EQ(stats.torrents, 1);
  handler_->HandleClose(second.state, now_);
  EXPECT_EQ(engine_.Stats().peers_ipv4, 0);
  EXPECT_EQ(engine_.Stats().torrents, 0);
}

TEST_F(WsHandlerTest, NewPeerIdOnAConnectionReplacesTheOld) {
  Connection& connection = NewConnection();
  Send(connection, Announce('a', R"(,"left":1)"));
  Send(connection, Announce('b', R"(,"left":1)"));
  EXPECT_EQ(engine_.Stats().peers_ipv4, 1);
  handler_->HandleClose(connection.state, now_);
  EXPECT_EQ(engine_.Stats().peers_ipv4, 0);
}

TEST_F(WsHandlerTest, ScrapeDeduplicatesAndLimits) {
  Connection& connection = NewConnection();
  Send(connection, absl::StrCat(R"({"action":"scrape","info_hash":[")", Id('a'), R"(",")", Id('a'),
                                R"(",")", Id('b'), R"(",")", Id('c'), R"("]})"));
  ASSERT_EQ(connection.replies.size(), 1u);
  wire::ScrapeResponse response;
  ASSERT_TRUE(wire::Parse(connection.replies[0], &response).ok());
  ASSERT_EQ(response.files.size(), 2u);
  EXPECT_EQ(response.files[1].info_hash[0], 'b');
}

TEST_F(WsHandlerTest, StalePeersAreCleaned) {
  Connection& connection = NewConnection();
  connection.state.ipv6 = true;
  Send(connection, Announce('a', R"(,"left":0)"));
  EXPECT_EQ(engine_.Stats().peers_ipv6, 1);
  engine_.Clean(/*peer_cutoff=*/101, /*offer_cutoff=*/0);
  const SwarmStats stats = engine_.Stats();
  EXPECT_EQ(stats.peers_ipv6, 0);
  EXPECT_EQ(stats.seeders, 0);
  EXPECT_EQ(stats.torrents, 0);
  handler_->HandleClose(connection.state, now_);  // nothing left to remove
  EXPECT_EQ(engine_.Stats().torrents, 0);
}

TEST_F(WsHandlerTest, AnswerWithoutTargetIsAnError) {
  Connection& connection = NewConnection();
  Send(connection, Announce('a', R"(,"answer":{"sdp":"y"})"));
  ASSERT_EQ(connection.replies.size(), 1u);
  wire::ErrorResponse error;
  ASSERT_TRUE(wire::Parse(connection.replies[0], &error).ok());
  EXPECT_EQ(error.action, "announce");
}

// Invalid UTF-8 anywhere fails the connection (1007), whether or not the rest
// would parse; the handler only looks for it when the JSON does not parse.
TEST_F(WsHandlerTest, InvalidUtf8AnywhereIsReportedAndChangesNothing) {
  Connection& other = NewConnection();
  ASSERT_EQ(Send(other, Announce('o', R"(,"left":1)")), WsMessageOutcome::kHandled);
  other.replies.clear();
  Connection& connection = NewConnection();
  const std::string bad = "\xC3(";  // a lead byte without its continuation
  for (const std::string& text : std::vector<std::string>{
           Announce('a', Offers(1)) + bad,                                  // after the end
           Announce('a', absl::StrCat(R"(,"unknown":")", bad, "\"")),       // a skipped value
           Announce('a', absl::StrCat(R"(,"offers":[{"offer":{"sdp":")", bad,
                                      R"("},"offer_id":")", Id('1'), R"("}])")),  // an offer
           Announce('a', absl::StrCat(R"(,"event":")", bad, "\"")),         // a field value
           absl::StrCat(R"({"action":"announce",")", bad, R"(":1})"),        // a key
           absl::StrCat("{", bad, "}"),                                      // outside strings
           absl::StrCat(R"({"action":")", bad, R"("})"),                     // before the action
           "\xFF",  // alone
       }) {
    EXPECT_EQ(Send(connection, text), WsMessageOutcome::kInvalidUtf8) << text;
  }
  EXPECT_TRUE(connection.replies.empty());
  EXPECT_TRUE(other.sink->messages.empty()) << "no offer was forwarded";
  EXPECT_EQ(engine_.Stats().peers_ipv4, 1);
  EXPECT_EQ(metrics_.Total(WsCounter::kMessagesReceived), 1u) << "only the valid announce counts";
  // Valid UTF-8 that is not a request gets a failure reply instead.
  EXPECT_EQ(Send(connection, "{\"action\":\"\xC3\xA9\"}"), WsMessageOutcome::kHandled);
  EXPECT_EQ(Send(connection, "not json \xC3\xA9"), WsMessageOutcome::kHandled);
  EXPECT_EQ(connection.replies.size(), 2u);
}

}  // namespace
}  // namespace aquatic::ws
