#include "tracker/server/http/http_exchange.h"

#include <string>

#include "gtest/gtest.h"

namespace aquatic::http {
namespace {

using Status = RequestHeadParser::Status;

constexpr size_t kLimit = 4096;

// Parses `request` as one complete head; the consumed length is checked too.
const RequestHead& ParseWhole(RequestHeadParser& parser, const std::string& request) {
  size_t consumed = 99;
  EXPECT_EQ(parser.Parse(request, &consumed), Status::kComplete) << request;
  EXPECT_EQ(consumed, request.size());
  return parser.head();
}

TEST(RequestHeadParserTest, GetWithTargetAndVersion) {
  RequestHeadParser parser("", kLimit);
  const RequestHead& head =
      ParseWhole(parser, "GET /announce?info_hash=%01x HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_TRUE(head.is_get());
  EXPECT_EQ(head.target, "/announce?info_hash=%01x");
  EXPECT_EQ(head.version, 11);
  EXPECT_TRUE(head.keep_alive);
  EXPECT_EQ(head.accept_encoding, "");
  EXPECT_FALSE(head.forwarded_for.has_value());
}

TEST(RequestHeadParserTest, KeepAliveFollowsVersionAndConnectionHeader) {
  const struct {
    const char* request;
    int version;
    bool keep_alive;
  } cases[] = {
      {"GET / HTTP/1.1\r\n\r\n", 11, true},
      {"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 11, false},
      {"GET / HTTP/1.0\r\n\r\n", 10, false},
      {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 10, true},
  };
  for (const auto& c : cases) {
    RequestHeadParser parser("", kLimit);
    const RequestHead& head = ParseWhole(parser, c.request);
    EXPECT_EQ(head.version, c.version) << c.request;
    EXPECT_EQ(head.keep_alive, c.keep_alive) << c.request;
  }
}

TEST(RequestHeadParserTest, NeedsMoreAtEverySplitAndConsumesNothingMeanwhile) {
  const std::string request = "GET /scrape?info_hash=abc HTTP/1.1\r\nHost: t\r\nX-A: b\r\n\r\n";
  RequestHeadParser parser("", kLimit);
  for (size_t length = 0; length < request.size(); ++length) {
    size_t consumed = 99;
    EXPECT_EQ(parser.Parse(request.substr(0, length), &consumed), Status::kNeedMore) << length;
    EXPECT_EQ(consumed, 0u);
  }
  EXPECT_EQ(ParseWhole(parser, request).target, "/scrape?info_hash=abc");
}

TEST(RequestHeadParserTest, HeadInTwoPiecesSplitAfterTheRequestLine) {
  // Beast consumes the request line before the head is complete; the caller
  // passes all its bytes again and must get the same request.
  const std::string request =
      "GET /announce?x=1 HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n";
  for (size_t cut : {request.find("\r\n") + 2, request.find("Accept")}) {
    RequestHeadParser parser("", kLimit);
    size_t consumed = 99;
    ASSERT_EQ(parser.Parse(request.substr(0, cut), &consumed), Status::kNeedMore);
    EXPECT_EQ(consumed, 0u);
    const RequestHead& head = ParseWhole(parser, request);
    EXPECT_EQ(head.target, "/announce?x=1");
    EXPECT_EQ(head.accept_encoding, "gzip");
  }
}

TEST(RequestHeadParserTest, HeaderLimitIsExactHoweverTheHeadArrives) {
  // A head of exactly the limit passes, one byte more does not, whole or in
  // two pieces.
  const std::string start = "GET / HTTP/1.1\r\nX-Pad: ";
  const std::string end = "\r\n\r\n";
  const std::string at_limit = start + std::string(kLimit - start.size() - end.size(), 'p') + end;
  ASSERT_EQ(at_limit.size(), kLimit);
  const std::string over_limit =
      start + std::string(kLimit - start.size() - end.size() + 1, 'p') + end;
  for (size_t cut : {size_t{0}, size_t{20}, size_t{1000}, kLimit - 2}) {
    RequestHeadParser parser("", kLimit);
    size_t consumed = 0;
    if (cut > 0) {
      EXPECT_EQ(parser.Parse(at_limit.substr(0, cut), &consumed), Status::kNeedMore);
    }
    EXPECT_EQ(parser.Parse(at_limit, &consumed), Status::kComplete) << cut;
    RequestHeadParser refusing("", kLimit);
    if (cut > 0) {
      EXPECT_EQ(refusing.Parse(over_limit.substr(0, cut), &consumed), Status::kNeedMore);
    }
    EXPECT_EQ(refusing.Parse(over_limit, &consumed), Status::kInvalid) << cut;
  }
}

TEST(RequestHeadParserTest, PipelinedRequestsOneAtATime) {
  const std::string first = "GET /a HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n";
  const std::string second = "GET /b HTTP/1.1\r\n\r\n";
  const std::string both = first + second;
  RequestHeadParser parser("", kLimit);
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(both, &consumed), Status::kComplete);
  EXPECT_EQ(consumed, first.size());
  EXPECT_EQ(parser.head().target, "/a");
  EXPECT_EQ(parser.head().accept_encoding, "gzip");
  parser.Reset();
  // Reset forgets the first request's fields.
  EXPECT_EQ(parser.head().target, "");
  EXPECT_EQ(parser.head().accept_encoding, "");
  ASSERT_EQ(parser.Parse(absl::string_view(both).substr(consumed), &consumed), Status::kComplete);
  EXPECT_EQ(consumed, second.size());
  EXPECT_EQ(parser.head().target, "/b");
  EXPECT_EQ(parser.head().accept_encoding, "");
}

TEST(RequestHeadParserTest, RepeatedListHeadersAreJoined) {
  RequestHeadParser parser("X-Forwarded-For", kLimit);
  const RequestHead& head = ParseWhole(
      parser,
      "GET / HTTP/1.1\r\nAccept-Encoding: deflate\r\nx-forwarded-for: 10.0.0.1\r\n"
      "Accept-Encoding: gzip;q=0.5\r\nX-FORWARDED-FOR: 192.0.2.7\r\n\r\n");
  EXPECT_EQ(head.accept_encoding, "deflate, gzip;q=0.5");
  ASSERT_TRUE(head.forwarded_for.has_value());
  EXPECT_EQ(*head.forwarded_for, "10.0.0.1, 192.0.2.7");
}

TEST(RequestHeadParserTest, ForwardedHeaderOnlyWhenConfiguredAndPresent) {
  RequestHeadParser not_configured("", kLimit);
  EXPECT_FALSE(ParseWhole(not_configured, "GET / HTTP/1.1\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n")
                   .forwarded_for.has_value());
  RequestHeadParser configured("X-Real-IP", kLimit);
  EXPECT_FALSE(ParseWhole(configured, "GET / HTTP/1.1\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n")
                   .forwarded_for.has_value());
  configured.Reset();
  const RequestHead& head = ParseWhole(configured, "GET / HTTP/1.1\r\nX-Real-IP: ::1\r\n\r\n");
  ASSERT_TRUE(head.forwarded_for.has_value());
  EXPECT_EQ(*head.forwarded_for, "::1");
}

TEST(RequestHeadParserTest, OtherMethodsAreNotGet) {
  RequestHeadParser parser("", kLimit);
  EXPECT_FALSE(ParseWhole(parser, "HEAD /announce HTTP/1.1\r\n\r\n").is_get());
  parser.Reset();
  EXPECT_FALSE(ParseWhole(parser, "FOO /announce HTTP/1.1\r\n\r\n").is_get());
}

TEST(RequestHeadParserTest, MethodAndAuthorization) {
  RequestHeadParser parser("", kLimit);
  EXPECT_EQ(ParseWhole(parser, "POST /x HTTP/1.1\r\n\r\n").method, Method::kPost);
  parser.Reset();
  EXPECT_EQ(ParseWhole(parser, "DELETE /x HTTP/1.1\r\n\r\n").method, Method::kDelete);
  parser.Reset();
  EXPECT_EQ(ParseWhole(parser, "GET /x HTTP/1.1\r\nAuthorization: Bearer abc\r\n\r\n")
                .authorization,
            "Bearer abc");
  // The next request starts without it.
  parser.Reset();
  EXPECT_EQ(ParseWhole(parser, "GET /x HTTP/1.1\r\n\r\n").authorization, "");
}

TEST(RequestHeadParserTest, EmptyBodyIsAcceptedAnyBodyIsNot) {
  RequestHeadParser parser("", kLimit);
  ParseWhole(parser, "GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  for (const char* request :
       {"POST /announce HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
        "GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n",
        "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"}) {
    RequestHeadParser with_body("", kLimit);
    size_t consumed = 99;
    EXPECT_EQ(with_body.Parse(request, &consumed), Status::kInvalid) << request;
    EXPECT_EQ(consumed, 0u);
  }
}

TEST(RequestHeadParserTest, OversizedOrMalformedHeadsAreInvalid) {
  const std::string big = "GET / HTTP/1.1\r\nX-Big: " + std::string(5000, 'x');
  for (const std::string& request :
       {big, big + "\r\n\r\n", std::string("\x16\x03\x01\x02\x00\x01", 6),
        std::string("GET / HTTP/2.5\r\n\r\n"), std::string("GET /\r\n\r\n"),
        std::string("GET / HTTP/1.1\r\nBad Header\r\n\r\n")}) {
    RequestHeadParser parser("", kLimit);
    size_t consumed = 99;
    EXPECT_EQ(parser.Parse(request, &consumed), Status::kInvalid) << request.substr(0, 40);
    EXPECT_EQ(consumed, 0u);
  }
}

TEST(AppendResponseTest, HeadersFollowVersionAndKeepAlive) {
  std::string out = "previous|";
  AppendResponse(ResponseHead{200, 11, true, false, false}, "d8:intervali120ee", &out);
  EXPECT_EQ(out,
            "previous|HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 17\r\n\r\n"
            "d8:intervali120ee");

  out.clear();
  AppendResponse(ResponseHead{200, 11, false, false, false}, "x", &out);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n"
            "Content-Length: 1\r\n\r\nx");

  out.clear();
  AppendResponse(ResponseHead{200, 10, true, false, false}, "", &out);
  EXPECT_EQ(out,
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: keep-alive\r\n"
            "Content-Length: 0\r\n\r\n");

  out.clear();
  AppendResponse(ResponseHead{200, 10, false, false, false}, "", &out);
  EXPECT_EQ(out, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n");
}

TEST(AppendResponseTest, StatusReasonsAndEncodingHeaders) {
  std::string out;
  AppendResponse(ResponseHead{404, 11, true, false, false}, "", &out);
  EXPECT_EQ(out.substr(0, out.find("\r\n")), "HTTP/1.1 404 Not Found");
  out.clear();
  AppendResponse(ResponseHead{405, 11, true, false, false}, "", &out);
  EXPECT_EQ(out.substr(0, out.find("\r\n")), "HTTP/1.1 405 Method Not Allowed");
  out.clear();
  AppendResponse(ResponseHead{200, 11, true, true, true}, "gz", &out);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nVary: Accept-Encoding\r\n"
            "Content-Encoding: gzip\r\nContent-Length: 2\r\n\r\ngz");
}

}  // namespace
}  // namespace aquatic::http
