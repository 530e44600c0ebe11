// Golden vectors (what bittorrent-tracker's websocket client and server put on
// the wire), Latin-1 hashes, truncation, limits and random round trips of the
// generated WebTorrent codec, and request classification.
#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "codec/ws/ws.codec.h"
#include "codec/ws/ws_request.h"
#include "gtest/gtest.h"

namespace aquatic::codec::ws {
namespace {

using Bytes20 = std::array<uint8_t, 20>;

Bytes20 FromLatin1(const std::string& bytes) {
  EXPECT_EQ(bytes.size(), 20u);
  Bytes20 out{};
  for (size_t i = 0; i < out.size() && i < bytes.size(); ++i) {
    out[i] = static_cast<uint8_t>(bytes[i]);
  }
  return out;
}

template <typename Message>
std::string Encode(const Message& message) {
  std::string out;
  const absl::Status status = Serialize(message, &out);
  EXPECT_TRUE(status.ok()) << status;
  return out;
}

// An info hash with every awkward byte: controls, quote, backslash, DEL, and
// bytes above 0x7F. Its raw bytes:
const std::string kInfoHashBytes = std::string("\x00\x01\x08\x0a\x1f\x22\x5c\x7f", 8) +
                                   "\x80\xa0\xc3\xe9\xff" "abcdefg";
// ... as JSON.stringify writes that JavaScript "binary string" (short
// escapes for \b and \n, code points >= U+0080 as raw UTF-8) ...
const std::string kInfoHashFromClient = std::string(R"("\u0000\u0001\b\n\u001f\"\\)") +
                                        "\x7f\xc2\x80\xc2\xa0\xc3\x83\xc3\xa9\xc3\xbf" "abcdefg\"";
// ... and as JsonWriter writes it.
const std::string kInfoHashCanonical = std::string(R"("\u0000\u0001\u0008\u000a\u001f\"\\)") +
                                       "\x7f\xc2\x80\xc2\xa0\xc3\x83\xc3\xa9\xc3\xbf" "abcdefg\"";

// A WebTorrent peer id: "-WW2100-" and 12 random bytes.
const std::string kPeerIdBytes = "-WW2100-\x9a\x10\xfe\x33" "0123" "\xe9\x01\x7f\x20";
const std::string kPeerIdJson = "\"-WW2100-\xc2\x9a\\u0010\xc3\xbe" "30123\xc3\xa9\\u0001\x7f \"";

// A Chrome data-channel offer (trickle off), as simple-peer signals it.
std::string OfferJson(int i) {
  return absl::Substitute(
      R"({"type":"offer","sdp":"v=0\r\no=- 461173140043005133$0 2 IN IP4 127.0.0.1\r\ns=-\r\n)"
      R"(t=0 0\r\na=group:BUNDLE 0\r\na=extmap-allow-mixed\r\na=msid-semantic: WMS\r\n)"
      R"(m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n)"
      R"(a=candidate:3372$0 1 udp 2113937151 9b1c6f3e-2d7a-4c1b-9f1e-0c5d$0.local 5431$0 typ host )"
      R"(generation 0 network-cost 999\r\na=ice-ufrag:Vq3$0\r\na=ice-pwd:ZJ0pnb5Ya8iQZ1zJZQmHg8r$0\r\n)"
      R"(a=ice-options:trickle\r\na=fingerprint:sha-256 7D:1E:5B:0C:61:27:4E:E5:3A:5F:6D:8B:C1:A4:)"
      R"(0F:9E:21:93:5C:3B:BE:8D:70:1F:62:AE:13:4C:D5:67:88:9$0\r\na=setup:actpass\r\na=mid:0\r\n)"
      R"(a=sctp-port:5000\r\na=max-message-size:262144\r\n"})",
      i);
}

// Offer ids are 20 random bytes; these have one high byte each.
std::string OfferIdBytes(int i) { return absl::StrCat("\xff", i, "abcdefghijklmnopqr"); }
std::string OfferIdJson(int i) { return absl::StrCat("\"\xc3\xbf", i, "abcdefghijklmnopqr\""); }

// bittorrent-tracker 11's websocket client: JSON.stringify of
// Object.assign({}, opts, {action, info_hash, peer_id}) plus `offers`, so the
// announce options come first. (It sends min(numwant, 5) offers; older
// clients and other libraries send up to 10.)
std::string ClientAnnounceWithOffers(int offers) {
  std::string json = absl::StrCat(
      R"({"numwant":)", offers,
      R"(,"uploaded":0,"downloaded":0,"left":1048576,"event":"started","action":"announce",)",
      R"("info_hash":)", kInfoHashFromClient, R"(,"peer_id":)", kPeerIdJson, R"(,"offers":[)");
  for (int i = 0; i < offers; ++i) {
    absl::StrAppend(&json, i == 0 ? "" : ",", R"({"offer":)", OfferJson(i % 10),
                    R"(,"offer_id":)", OfferIdJson(i % 10), "}");
  }
  return json + "]}";
}

// The answer a client sends back for a forwarded offer.
const std::string kClientAnswer = absl::StrCat(
    R"({"action":"announce","info_hash":)", kInfoHashFromClient, R"(,"peer_id":)", kPeerIdJson,
    R"(,"to_peer_id":"-WW2100-abcdefghijkl","answer":{"type":"answer","sdp":"v=0\r\no=- 1 2 IN )",
    R"(IP4 127.0.0.1\r\na=setup:active\r\n"},"offer_id":)", OfferIdJson(3), "}");

// A regular re-announce: no event, and a magnet link without metadata yet
// sends "left":null. A trackerid from an earlier response comes back.
const std::string kClientReannounce = absl::StrCat(
    R"({"numwant":50,"uploaded":0,"downloaded":0,"left":null,"action":"announce",)",
    R"("info_hash":"abcdefghijklmnopqrst","peer_id":"-WW2100-abcdefghijkl",)",
    R"("trackerid":"x","offers":[]})");

const std::string kClientStopped = absl::StrCat(
    R"({"numwant":50,"uploaded":12345,"downloaded":678,"left":0,"event":"stopped",)",
    R"("action":"announce","info_hash":"abcdefghijklmnopqrst","peer_id":"-WW2100-abcdefghijkl"})");

const std::string kClientScrapeOne =
    absl::StrCat(R"({"action":"scrape","info_hash":)", kInfoHashFromClient, "}");
const std::string kClientScrapeMany = absl::StrCat(
    R"({"action":"scrape","info_hash":[)", kInfoHashFromClient, R"(,"ABCDEFGHIJKLMNOPQRST"]})");

TEST(WsCodecTest, AnnounceWithTenOffersGolden) {
  const std::string json = ClientAnnounceWithOffers(10);
  AnnounceRequest request;
  ASSERT_TRUE(Parse(json, &request).ok()) << Parse(json, &request);
  EXPECT_EQ(request.info_hash, FromLatin1(kInfoHashBytes));
  EXPECT_EQ(request.peer_id, FromLatin1(kPeerIdBytes));
  EXPECT_EQ(request.numwant, 10);
  EXPECT_EQ(request.uploaded, 0);
  EXPECT_EQ(request.downloaded, 0);
  EXPECT_EQ(request.left, 1048576);
  EXPECT_EQ(request.event, AnnounceEvent::kStarted);
  ASSERT_TRUE(request.offers.has_value());
  ASSERT_EQ(request.offers->size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ((*request.offers)[i].offer, OfferJson(i));
    EXPECT_EQ((*request.offers)[i].offer_id, FromLatin1(OfferIdBytes(i)));
  }
  EXPECT_FALSE(request.answer.has_value());
  EXPECT_FALSE(request.to_peer_id.has_value());

  // Serialize writes schema order: action first, offers verbatim.
  std::string expected = absl::StrCat(
      R"({"action":"announce","info_hash":)", kInfoHashCanonical, R"(,"peer_id":)",
      "\"-WW2100-\xc2\x9a\\u0010\xc3\xbe" "30123\xc3\xa9\\u0001\x7f \"",
      R"(,"numwant":10,"uploaded":0,"downloaded":0,"left":1048576,"event":"started","offers":[)");
  for (int i = 0; i < 10; ++i) {
    absl::StrAppend(&expected, i == 0 ? "" : ",", R"({"offer":)", OfferJson(i),
                    R"(,"offer_id":)", OfferIdJson(i), "}");
  }
  expected += "]}";
  EXPECT_EQ(Encode(request), expected);
}

TEST(WsCodecTest, AnswerGolden) {
  AnnounceRequest request;
  ASSERT_TRUE(Parse(kClientAnswer, &request).ok()) << Parse(kClientAnswer, &request);
  EXPECT_EQ(request.info_hash, FromLatin1(kInfoHashBytes));
  EXPECT_EQ(request.to_peer_id, FromLatin1("-WW2100-abcdefghijkl"));
  EXPECT_EQ(request.answer,
            R"({"type":"answer","sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=setup:active\r\n"})");
  EXPECT_EQ(request.offer_id, FromLatin1(OfferIdBytes(3)));
  EXPECT_FALSE(request.offers.has_value());
  EXPECT_FALSE(request.event.has_value());
  EXPECT_FALSE(request.numwant.has_value());
}

TEST(WsCodecTest, ReannounceWithNullLeftAndUnknownKey) {
  AnnounceRequest request;
  ASSERT_TRUE(Parse(kClientReannounce, &request).ok()) << Parse(kClientReannounce, &request);
  EXPECT_EQ(request.numwant, 50);
  EXPECT_FALSE(request.left.has_value());
  EXPECT_FALSE(request.event.has_value());
  ASSERT_TRUE(request.offers.has_value());
  EXPECT_TRUE(request.offers->empty());
  EXPECT_EQ(Encode(request),
            R"({"action":"announce","info_hash":"abcdefghijklmnopqrst","peer_id":)"
            R"("-WW2100-abcdefghijkl","numwant":50,"uploaded":0,"downloaded":0,"offers":[]})");
}

TEST(WsCodecTest, StoppedGolden) {
  AnnounceRequest request;
  ASSERT_TRUE(Parse(kClientStopped, &request).ok());
  EXPECT_EQ(request.event, AnnounceEvent::kStopped);
  EXPECT_EQ(request.uploaded, 12345);
  EXPECT_EQ(request.downloaded, 678);
  EXPECT_EQ(request.left, 0);
  EXPECT_FALSE(request.offers.has_value());
}

TEST(WsCodecTest, EventSpellings) {
  const std::pair<const char*, AnnounceEvent> cases[] = {
      {"started", AnnounceEvent::kStarted},     {"stopped", AnnounceEvent::kStopped},
      {"completed", AnnounceEvent::kCompleted}, {"update", AnnounceEvent::kUpdate},
      {"paused", AnnounceEvent::kUpdate},  // unknown text reads as the first constant
  };
  for (const auto& [text, event] : cases) {
    AnnounceRequest request;
    const std::string json = absl::StrCat(
        R"({"action":"announce","info_hash":"abcdefghijklmnopqrst",)",
        R"("peer_id":"-WW2100-abcdefghijkl","event":")", text, "\"}");
    ASSERT_TRUE(Parse(json, &request).ok()) << text;
    EXPECT_EQ(request.event, event) << text;
  }
}

TEST(WsCodecTest, ScrapeGolden) {
  ScrapeRequest one;
  ASSERT_TRUE(Parse(kClientScrapeOne, &one).ok()) << Parse(kClientScrapeOne, &one);
  ASSERT_TRUE(one.info_hash.has_value());
  EXPECT_EQ(*one.info_hash, std::vector<Bytes20>{FromLatin1(kInfoHashBytes)});
  // A single hash is written back as a lone string.
  EXPECT_EQ(Encode(one), absl::StrCat(R"({"action":"scrape","info_hash":)", kInfoHashCanonical,
                                      "}"));

  ScrapeRequest many;
  ASSERT_TRUE(Parse(kClientScrapeMany, &many).ok()) << Parse(kClientScrapeMany, &many);
  EXPECT_EQ(*many.info_hash, (std::vector<Bytes20>{FromLatin1(kInfoHashBytes),
                                                   FromLatin1("ABCDEFGHIJKLMNOPQRST")}));
  EXPECT_EQ(Encode(many), absl::StrCat(R"({"action":"scrape","info_hash":[)", kInfoHashCanonical,
                                       R"(,"ABCDEFGHIJKLMNOPQRST"]})"));

  ScrapeRequest full;
  ASSERT_TRUE(Parse(R"({"action":"scrape"})", &full).ok());
  EXPECT_FALSE(full.info_hash.has_value());
  EXPECT_EQ(Encode(full), R"({"action":"scrape"})");
}

TEST(WsCodecTest, TrackerMessagesGolden) {
  const Bytes20 hash = FromLatin1("abcdefghijklmnopqrs\xff");
  AnnounceResponse response;
  response.info_hash = hash;
  response.complete = 3;
  response.incomplete = 7;
  response.interval = 120;
  EXPECT_EQ(Encode(response),
            "{\"action\":\"announce\",\"info_hash\":\"abcdefghijklmnopqrs\xc3\xbf\","
            "\"complete\":3,\"incomplete\":7,\"interval\":120}");
  // bittorrent-tracker's server orders them differently; any order parses.
  AnnounceResponse parsed;
  ASSERT_TRUE(Parse("{\"complete\":3,\"incomplete\":7,\"action\":\"announce\",\"info_hash\":"
                    "\"abcdefghijklmnopqrs\\u00ff\",\"interval\":120}",
                    &parsed)
                  .ok());
  EXPECT_EQ(parsed, response);

  OfferMessage offer;
  offer.info_hash = hash;
  offer.peer_id = FromLatin1("-WW2100-abcdefghijkl");
  offer.offer = OfferJson(1);
  offer.offer_id = FromLatin1(OfferIdBytes(1));
  EXPECT_EQ(Encode(offer), absl::StrCat("{\"action\":\"announce\",\"info_hash\":"
                                        "\"abcdefghijklmnopqrs\xc3\xbf\",\"peer_id\":"
                                        "\"-WW2100-abcdefghijkl\",\"offer\":",
                                        OfferJson(1), ",\"offer_id\":", OfferIdJson(1), "}"));

  AnswerMessage answer;
  answer.info_hash = hash;
  answer.peer_id = FromLatin1("-WW2100-zyxwvutsrqpo");
  answer.answer = R"({"type":"answer","sdp":"v=0\r\n"})";
  answer.offer_id = FromLatin1(OfferIdBytes(2));
  EXPECT_EQ(Encode(answer), absl::StrCat("{\"action\":\"announce\",\"info_hash\":"
                                         "\"abcdefghijklmnopqrs\xc3\xbf\",\"peer_id\":"
                                         "\"-WW2100-zyxwvutsrqpo\",\"answer\":"
                                         R"({"type":"answer","sdp":"v=0\r\n"},"offer_id":)",
                                         OfferIdJson(2), "}"));

  ScrapeResponse scrape;
  scrape.files.push_back({hash, 1, 2, 3});
  scrape.files.push_back({FromLatin1("ABCDEFGHIJKLMNOPQRST"), 0, 0, 0});
  EXPECT_EQ(Encode(scrape),
            "{\"action\":\"scrape\",\"files\":{\"abcdefghijklmnopqrs\xc3\xbf\":{\"complete\":1,"
            "\"incomplete\":2,\"downloaded\":3},\"ABCDEFGHIJKLMNOPQRST\":{\"complete\":0,"
            "\"incomplete\":0,\"downloaded\":0}}}");
  // bittorrent-tracker adds "flags"; unknown keys are skipped.
  ScrapeResponse parsed_scrape;
  ASSERT_TRUE(Parse("{\"action\":\"scrape\",\"files\":{\"abcdefghijklmnopqrs\\u00ff\":"
                    "{\"complete\":1,\"incomplete\":2,\"downloaded\":3},"
                    "\"ABCDEFGHIJKLMNOPQRST\":{\"complete\":0,\"incomplete\":0,"
                    "\"downloaded\":0}},\"flags\":{\"min_request_interval\":600}}",
                    &parsed_scrape)
                  .ok());
  EXPECT_EQ(parsed_scrape, scrape);

  ErrorResponse error;
  error.failure_reason = "info_hash is not allowed";
  error.action = "announce";
  error.info_hash = hash;
  EXPECT_EQ(Encode(error),
            "{\"failure reason\":\"info_hash is not allowed\",\"action\":\"announce\","
            "\"info_hash\":\"abcdefghijklmnopqrs\xc3\xbf\"}");
  ErrorResponse bare;
  bare.failure_reason = "invalid action in WS request: \"x\"";
  EXPECT_EQ(Encode(bare), R"({"failure reason":"invalid action in WS request: \"x\""})");
}

std::string AnnounceWithHash(const std::string& hash_json) {
  return absl::StrCat(R"({"action":"announce","info_hash":)", hash_json,
                      R"(,"peer_id":"-WW2100-abcdefghijkl"})");
}

TEST(WsCodecTest, Latin1BothEscapeForms) {
  const Bytes20 expected = FromLatin1("\xff\xfe\x80\xe9" "0123456789abcdef");
  AnnounceRequest raw;
  ASSERT_TRUE(Parse(AnnounceWithHash("\"\xc3\xbf\xc3\xbe\xc2\x80\xc3\xa9" "0123456789abcdef\""),
                    &raw)
                  .ok());
  EXPECT_EQ(raw.info_hash, expected);
  AnnounceRequest escaped;
  ASSERT_TRUE(
      Parse(AnnounceWithHash(R"("\u00ff\u00FE\u0080\u00e90123456789abcdef")"), &escaped).ok());
  EXPECT_EQ(escaped.info_hash, expected);
}

TEST(WsCodecTest, Latin1Rejections) {
  const std::string bad[] = {
      R"("\u0100123456789abcdefghi")",       // U+0100 as an escape
      "\"\xc4\x80" "123456789abcdefghi\"",   // U+0100 as UTF-8
      "\"\xe2\x82\xac" "123456789abcdefghi\"",  // U+20AC
      R"("\ud83d\ude00123456789abcdefghi")",  // U+1F600 via surrogates
      R"("0123456789abcdefghi")",             // 19 characters
      R"("0123456789abcdefghijk")",           // 21 characters
      "12345",
      "null",
  };
  for (const std::string& hash : bad) {
    AnnounceRequest request;
    const absl::Status status = Parse(AnnounceWithHash(hash), &request);
    EXPECT_FALSE(status.ok()) << hash;
  }
  AnnounceRequest request;
  EXPECT_EQ(Parse(AnnounceWithHash(R"("\u0100123456789abcdefghi")"), &request).message(),
            "AnnounceRequest.info_hash: expected 20 Latin-1 characters");
  EXPECT_EQ(Parse(AnnounceWithHash("null"), &request).message(),
            "AnnounceRequest.info_hash: expected a string, found null");
}

TEST(WsCodecTest, ErrorMessagesNameTheField) {
  AnnounceRequest request;
  EXPECT_EQ(Parse(R"({"action":"announce","info_hash":"abcdefghijklmnopqrst"})", &request)
                .message(),
            "AnnounceRequest.peer_id: missing");
  EXPECT_EQ(Parse(R"({"action":"scrape","info_hash":"abcdefghijklmnopqrst",)"
                  R"("peer_id":"-WW2100-abcdefghijkl"})",
                  &request)
                .message(),
            "AnnounceRequest.action: expected \"announce\"");
  EXPECT_EQ(Parse(R"({"info_hash":"abcdefghijklmnopqrst","peer_id":"-WW2100-abcdefghijkl"})",
                  &request)
                .message(),
            "AnnounceRequest.action: missing");
  EXPECT_EQ(Parse(R"({"action":"announce","info_hash":"abcdefghijklmnopqrst",)"
                  R"("peer_id":"-WW2100-abcdefghijkl","offers":[{"offer":{},"offer_id":)"
                  R"("abcdefghijklmnopqrst"},{"offer":{},"offer_id":"short"}]})",
                  &request)
                .message(),
            "AnnounceRequest.offers[1].offer_id: expected 20 Latin-1 characters");
  EXPECT_EQ(Parse(R"({"action":"announce","info_hash":"abcdefghijklmnopqrst",)"
                  R"("peer_id":"-WW2100-abcdefghijkl","offers":[{"offer_id":)"
                  R"("abcdefghijklmnopqrst"}]})",
                  &request)
                .message(),
            "AnnounceRequest.offers[0].offer: missing");
  EXPECT_EQ(Parse(R"({"action":"announce","numwant":1.5})", &request).message(),
            "AnnounceRequest.numwant: expected a 64-bit integer, found 1.5");
  EXPECT_EQ(Parse(R"({"action":"announce",})", &request).message(),
            "AnnounceRequest: invalid JSON: offset 21: expected a string key");
  EXPECT_EQ(Parse(R"(["announce"])", &request).message(),
            "AnnounceRequest: expected an object, found an array");
  EXPECT_EQ(Parse(R"({"action":"scrape"} x)", &request).message(),
            "AnnounceRequest.action: expected \"announce\"");
  ScrapeRequest scrape;
  EXPECT_EQ(Parse(R"({"action":"scrape"} x)", &scrape).message(),
            "ScrapeRequest: invalid JSON: offset 20: unexpected data after top-level value");
  EXPECT_EQ(Parse(R"({"action":"scrape","info_hash":["abcdefghijklmnopqrst",7]})", &scrape)
                .message(),
            "ScrapeRequest.info_hash[1]: expected a string, found a number");
  ScrapeResponse response;
  EXPECT_EQ(Parse(R"({"action":"scrape","files":{"short":{}}})", &response).message(),
            "ScrapeResponse.files[0]: key: expected 20 Latin-1 characters");
}

TEST(WsCodecTest, DuplicateKeysLastWins) {
  AnnounceRequest request;
  ASSERT_TRUE(Parse(R"({"action":"announce","info_hash":"AAAAAAAAAAAAAAAAAAAA",)"
                    R"("peer_id":"-WW2100-abcdefghijkl","numwant":1,"numwant":2,)"
                    R"("info_hash":"BBBBBBBBBBBBBBBBBBBB","left":5,"left":null,)"
                    R"("offers":[{"offer":1,"offer_id":"abcdefghijklmnopqrst"}],"offers":[]})",
                    &request)
                  .ok());
  EXPECT_EQ(request.info_hash, FromLatin1("BBBBBBBBBBBBBBBBBBBB"));
  EXPECT_EQ(request.numwant, 2);
  EXPECT_FALSE(request.left.has_value());
  EXPECT_EQ(request.offers, std::vector<Offer>{});
}

TEST(WsCodecTest, EveryPrefixIsAnError) {
  auto check = [](const std::string& json, auto message) {
    ASSERT_TRUE(Parse(json, &message).ok()) << json;
    for (size_t length = 0; length < json.size(); ++length) {
      EXPECT_FALSE(Parse(absl::string_view(json).substr(0, length), &message).ok())
          << json.substr(0, length);
    }
  };
  check(ClientAnnounceWithOffers(10), AnnounceRequest());
  check(kClientAnswer, AnnounceRequest());
  check(kClientReannounce, AnnounceRequest());
  check(kClientStopped, AnnounceRequest());
  check(kClientScrapeOne, ScrapeRequest());
  check(kClientScrapeMany, ScrapeRequest());
  AnnounceResponse response;
  response.interval = 120;
  check(Encode(response), AnnounceResponse());
  ScrapeResponse scrape;
  scrape.files.push_back({FromLatin1(kInfoHashBytes), 1, 2, 3});
  check(Encode(scrape), ScrapeResponse());
  ErrorResponse error;
  error.failure_reason = "x";
  error.info_hash = FromLatin1(kInfoHashBytes);
  check(Encode(error), ErrorResponse());
}

TEST(WsCodecTest, Limits) {
  AnnounceRequest request;
  ASSERT_TRUE(Parse(ClientAnnounceWithOffers(100), &request).ok());
  AnnounceRequest too_many = request;
  EXPECT_EQ(Parse(ClientAnnounceWithOffers(101), &request).message(),
            "AnnounceRequest.offers: more than 100 elements");

  // Serialize refuses what Parse would refuse, and leaves `out` as it was.
  too_many.offers->push_back(too_many.offers->back());
  std::string out = "kept";
  EXPECT_EQ(Serialize(too_many, &out).message(),
            "AnnounceRequest.offers: 101 elements, at most 100");
  EXPECT_EQ(out, "kept");

  const std::string long_sdp = std::string(16384 - 2, 'x');
  const std::string base = R"({"action":"announce","info_hash":"abcdefghijklmnopqrst",)"
                           R"("peer_id":"-WW2100-abcdefghijkl","answer":)";
  EXPECT_TRUE(Parse(absl::StrCat(base, "\"", long_sdp, "\"}"), &request).ok());
  EXPECT_EQ(Parse(absl::StrCat(base, "\"", long_sdp, "x\"}"), &request).message(),
            "AnnounceRequest.answer: 16385 bytes, at most 16384");

  std::string hashes;
  for (int i = 0; i < 257; ++i) absl::StrAppend(&hashes, i == 0 ? "" : ",", "\"abcdefghijklmnopqrst\"");
  ScrapeRequest scrape;
  EXPECT_EQ(Parse(absl::StrCat(R"({"action":"scrape","info_hash":[)", hashes, "]}"), &scrape)
                .message(),
            "ScrapeRequest.info_hash: more than 256 elements");

  ErrorResponse error;
  error.failure_reason = std::string(1025, 'x');
  out.clear();
  EXPECT_EQ(Serialize(error, &out).message(),
            "ErrorResponse.failure_reason: 1025 bytes, at most 1024");
  error.failure_reason = "\xff";
  EXPECT_EQ(Serialize(error, &out).message(), "ErrorResponse.failure_reason: not valid UTF-8");
  ErrorResponse parsed_error;
  EXPECT_EQ(Parse(absl::StrCat(R"({"failure reason":")", std::string(1025, 'x'), "\"}"),
                  &parsed_error)
                .message(),
            "ErrorResponse.failure_reason: 1025 bytes, at most 1024");

  // Nesting is bounded by the scanner, also inside skipped and raw values.
  const std::string deep = std::string(40, '[') + std::string(40, ']');
  EXPECT_FALSE(Parse(absl::StrCat(base, deep, "}"), &request).ok());
  EXPECT_FALSE(Parse(absl::StrCat(R"({"action":"announce","x":)", deep, "}"), &request).ok());
}

// Random messages with random bytes in every Latin-1 field.
class RandomMessages {
 public:
  explicit RandomMessages(uint32_t seed) : rng_(seed) {}

  bool Coin() { return rng_() % 2 == 0; }
  int64_t Int() {
    switch (rng_() % 4) {
      case 0: return 0;
      case 1: return static_cast<int64_t>(rng_() % 1000);
      case 2: return -static_cast<int64_t>(rng_());
      default: return static_cast<int64_t>((uint64_t{rng_()} << 32) | rng_());
    }
  }
  Bytes20 Hash() {
    Bytes20 hash;
    for (uint8_t& b : hash) b = static_cast<uint8_t>(rng_());
    return hash;
  }
  std::string RawJson() {
    const std::string values[] = {OfferJson(static_cast<int>(rng_() % 10)), "null", "0", "[]",
                                  R"({"type":"answer","sdp":"\u00e9\"x"})", "\"text\""};
    return values[rng_() % 6];
  }
  std::string Text() {
    std::string text;
    const size_t length = rng_() % 40;
    for (size_t i = 0; i < length; ++i) {
      const char chars[] = "ab \"\\\n\t\x01/\xc3\xa9";
      const char c = chars[rng_() % 10];
      if (c == '\xc3') {
        text += "\xc3\xa9";
      } else {
        text += c;
      }
    }
    return text;
  }

  AnnounceRequest Announce() {
    AnnounceRequest request;
    request.info_hash = Hash();
    request.peer_id = Hash();
    if (Coin()) request.numwant = Int();
    if (Coin()) request.uploaded = Int();
    if (Coin()) request.downloaded = Int();
    if (Coin()) request.left = Int();
    if (Coin()) request.event = static_cast<AnnounceEvent>(rng_() % 4);
    if (Coin()) {
      request.offers.emplace();
      for (size_t i = rng_() % 11; i > 0; --i) request.offers->push_back({RawJson(), Hash()});
    }
    // "null" would read back as absent: optional raw fields hold other text.
    if (Coin()) request.answer = OfferJson(static_cast<int>(rng_() % 10));
    if (Coin()) request.to_peer_id = Hash();
    if (Coin()) request.offer_id = Hash();
    return request;
  }
  ScrapeRequest Scrape() {
    ScrapeRequest request;
    if (Coin()) {
      request.info_hash.emplace();
      for (size_t i = rng_() % 4; i > 0; --i) request.info_hash->push_back(Hash());
    }
    return request;
  }
  ScrapeResponse ScrapeReply() {
    ScrapeResponse response;
    for (size_t i = rng_() % 4; i > 0; --i) {
      response.files.push_back({Hash(), Int(), Int(), Int()});
    }
    return response;
  }
  ErrorResponse Error() {
    ErrorResponse error;
    error.failure_reason = Text();
    if (Coin()) error.action = Coin() ? "announce" : "";
    if (Coin()) error.info_hash = Hash();
    return error;
  }

 private:
  std::mt19937 rng_;
};

template <typename Message>
void ExpectRoundTrip(const Message& message) {
  const std::string json = Encode(message);
  Message parsed;
  const absl::Status status = Parse(json, &parsed);
  ASSERT_TRUE(status.ok()) << status << "\n" << json;
  EXPECT_TRUE(parsed == message) << json;
  EXPECT_EQ(Encode(parsed), json);
}

TEST(WsCodecTest, RandomRoundTrips) {
  RandomMessages random(20240601);
  for (int i = 0; i < 500; ++i) {
    ExpectRoundTrip(random.Announce());
    ExpectRoundTrip(random.Scrape());
    ExpectRoundTrip(random.ScrapeReply());
    ExpectRoundTrip(random.Error());
    AnnounceResponse response{random.Hash(), random.Int(), random.Int(), random.Int()};
    ExpectRoundTrip(response);
    OfferMessage offer{random.Hash(), random.Hash(), random.RawJson(), random.Hash()};
    ExpectRoundTrip(offer);
    AnswerMessage answer{random.Hash(), random.Hash(), random.RawJson(), random.Hash()};
    ExpectRoundTrip(answer);
  }
}

// ws_request: classification and error replies.

TEST(WsRequestTest, ClassifiesByAction) {
  Request request;
  RequestError error;
  ASSERT_TRUE(ParseRequest(ClientAnnounceWithOffers(10), &request, &error)) << error.status;
  EXPECT_EQ(request.kind, RequestKind::kAnnounce);
  EXPECT_EQ(request.announce.offers->size(), 10u);
  ASSERT_TRUE(ParseRequest(kClientAnswer, &request, &error)) << error.status;
  EXPECT_EQ(request.kind, RequestKind::kAnnounce);
  ASSERT_TRUE(ParseRequest(kClientScrapeMany, &request, &error)) << error.status;
  EXPECT_EQ(request.kind, RequestKind::kScrape);
  EXPECT_EQ(request.scrape.info_hash->size(), 2u);
}

TEST(WsRequestTest, ErrorReplyCarriesActionAndInfoHash) {
  Request request;
  RequestError error;
  // Bad peer id after a good info hash: both action and info hash are known.
  ASSERT_FALSE(ParseRequest(absl::StrCat(R"({"action":"announce","info_hash":)",
                                         kInfoHashFromClient, R"(,"peer_id":"short"})"),
                            &request, &error));
  EXPECT_EQ(error.status.message(), "AnnounceRequest.peer_id: expected 20 Latin-1 characters");
  EXPECT_EQ(error.response.failure_reason, error.status.message());
  EXPECT_EQ(error.response.action, "announce");
  EXPECT_EQ(error.response.info_hash, FromLatin1(kInfoHashBytes));
  std::string reply;
  ASSERT_TRUE(Serialize(error.response, &reply).ok());
  EXPECT_EQ(reply, absl::StrCat(R"({"failure reason":"AnnounceRequest.peer_id: expected 20 )",
                                R"(Latin-1 characters","action":"announce","info_hash":)",
                                kInfoHashCanonical, "}"));

  // Bad info hash: only the action.
  ASSERT_FALSE(ParseRequest(R"({"action":"announce","info_hash":"short"})", &request, &error));
  EXPECT_EQ(error.response.action, "announce");
  EXPECT_FALSE(error.response.info_hash.has_value());

  // A scrape of several hashes has no single info hash to name.
  ASSERT_FALSE(ParseRequest(R"({"info_hash":["abcdefghijklmnopqrst",1],"action":"scrape"})",
                            &request, &error));
  EXPECT_EQ(error.response.action, "scrape");
  EXPECT_FALSE(error.response.info_hash.has_value());

  // Unknown or missing action, or no JSON at all: only the reason.
  for (const char* text : {R"({"action":"connect","info_hash":"abcdefghijklmnopqrst"})",
                           R"({"info_hash":"abcdefghijklmnopqrst"})", "", "[]", "{\"action\":"}) {
    ASSERT_FALSE(ParseRequest(text, &request, &error)) << text;
    EXPECT_EQ(error.status.message(),
              "expected an object with \"action\" \"announce\" or \"scrape\"")
        << text;
    EXPECT_FALSE(error.response.action.has_value()) << text;
  }
  ASSERT_FALSE(ParseRequest(R"({"info_hash":"abcdefghijklmnopqrst","action":"x"})", &request,
                            &error));
  EXPECT_EQ(error.response.info_hash, FromLatin1("abcdefghijklmnopqrst"));
}

}  // namespace
}  // namespace aquatic::codec::ws
