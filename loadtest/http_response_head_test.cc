#include "loadtest/http_response_head.h"

#include "gtest/gtest.h"

namespace aquatic::loadtest {
namespace {

TEST(HttpResponseHeadTest, KeepAliveWithContentLength) {
  const absl::string_view data =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 5\r\n\r\nd1:ae"
      "HTTP/1.1 200";
  HttpResponseHead head;
  ASSERT_EQ(ParseHttpResponseHead(data, &head), HeadParse::kComplete);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.content_length, 5);
  EXPECT_EQ(data.substr(head.header_length, 5), "d1:ae");
  EXPECT_FALSE(head.close);
  EXPECT_FALSE(head.chunked);
}

TEST(HttpResponseHeadTest, ConnectionClose) {
  HttpResponseHead head;
  ASSERT_EQ(ParseHttpResponseHead(
                "HTTP/1.1 404 Not Found\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n", &head),
            HeadParse::kComplete);
  EXPECT_EQ(head.status, 404);
  EXPECT_TRUE(head.close);
  EXPECT_EQ(head.content_length, 0);
}

TEST(HttpResponseHeadTest, Http10ClosesUnlessKeepAlive) {
  HttpResponseHead head;
  ASSERT_EQ(ParseHttpResponseHead("HTTP/1.0 200 OK\r\n\r\nbody", &head), HeadParse::kComplete);
  EXPECT_TRUE(head.close);
  EXPECT_EQ(head.content_length, -1);
  EXPECT_EQ(head.header_length, 19u);
  ASSERT_EQ(ParseHttpResponseHead("HTTP/1.0 200\r\nConnection: keep-alive\r\n\r\n", &head),
            HeadParse::kComplete);
  EXPECT_FALSE(head.close);
}

TEST(HttpResponseHeadTest, IncompleteAndInvalid) {
  HttpResponseHead head;
  EXPECT_EQ(ParseHttpResponseHead("HTTP/1.1 200 OK\r\nContent-Le", &head),
            HeadParse::kIncomplete);
  EXPECT_EQ(ParseHttpResponseHead("", &head), HeadParse::kIncomplete);
  EXPECT_EQ(ParseHttpResponseHead("SSH-2.0-x\r\n\r\n", &head), HeadParse::kInvalid);
  EXPECT_EQ(ParseHttpResponseHead("HTTP/1.1 2x0 OK\r\n\r\n", &head), HeadParse::kInvalid);
  EXPECT_EQ(ParseHttpResponseHead("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", &head),
            HeadParse::kInvalid);
  EXPECT_EQ(ParseHttpResponseHead("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", &head),
            HeadParse::kInvalid);
  ASSERT_EQ(ParseHttpResponseHead("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", &head),
            HeadParse::kComplete);
  EXPECT_TRUE(head.chunked);
}

}  // namespace
}  // namespace aquatic::loadtest
