// BatchedWriteStream over a real socket pair (AF_UNIX), with a thin layer
// that counts the writes reaching the socket.
#include "tracker/server/websocket/batched_write_stream.h"

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>

#include "gtest/gtest.h"

namespace aquatic {
namespace {

namespace net = boost::asio;
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<net::local::stream_protocol, Executor>;
using boost::system::error_code;

// A socket that counts the writes made to it.
class CountingSocket {
 public:
  using executor_type = Executor;

  explicit CountingSocket(Socket socket) : socket_(std::move(socket)) {}

  executor_type get_executor() { return socket_.get_executor(); }
  Socket& socket() { return socket_; }
  int writes() const { return writes_; }

  template <typename Buffers, typename Handler>
  auto async_read_some(const Buffers& buffers, Handler&& handler) {
    return socket_.async_read_some(buffers, std::forward<Handler>(handler));
  }
  template <typename Buffers, typename Handler>
  auto async_write_some(const Buffers& buffers, Handler&& handler) {
    ++writes_;
    return socket_.async_write_some(buffers, std::forward<Handler>(handler));
  }

 private:
  Socket socket_;
  int writes_ = 0;
};

// What Beast's teardown does to a TCP socket, for the test's socket: the
// server stops sending.
template <typename Handler>
void async_teardown(boost::beast::role_type, CountingSocket& stream, Handler&& handler) {
  error_code error;
  stream.socket().shutdown(net::socket_base::shutdown_send, error);
  net::post(stream.get_executor(), [handler = std::forward<Handler>(handler), error]() mutable {
    std::move(handler)(error);
  });
}

class BatchedWriteStreamTest : public testing::Test {
 protected:
  BatchedWriteStreamTest() : peer_(io_) {
    Socket ours(io_);
    net::local::connect_pair(ours, peer_);
    stream_ = std::make_unique<BatchedWriteStream<CountingSocket>>(std::move(ours));
    stream_->SetOwner(owner_);
  }

  // Everything the peer receives until the stream's side shuts down.
  std::string ReadAllAtPeer() {
    std::string received;
    error_code error;
    net::read(peer_, net::dynamic_buffer(received), error);
    EXPECT_EQ(error, net::error::eof);
    return received;
  }

  void Write(const std::string& text, std::function<void(error_code, size_t)> then) {
    stream_->async_write_some(net::buffer(text), std::move(then));
  }

  net::io_context io_;
  Socket peer_;
  std::shared_ptr<int> owner_ = std::make_shared<int>(0);
  std::unique_ptr<BatchedWriteStream<CountingSocket>> stream_;
};

TEST_F(BatchedWriteStreamTest, WritesPassThroughUntilBatchingStarts) {
  const std::string a = "first", b = "second";
  Write(a, [&](error_code error, size_t n) {
    EXPECT_FALSE(error);
    EXPECT_EQ(n, a.size());
    Write(b, [](error_code second_error, size_t) { EXPECT_FALSE(second_error); });
  });
  io_.run();
  EXPECT_EQ(stream_->next_layer().writes(), 2);
  stream_->next_layer().socket().shutdown(net::socket_base::shutdown_send);
  EXPECT_EQ(ReadAllAtPeer(), "firstsecond");
}

// Beast writes one message at a time, the next from the completion of the
// last: all of one turn reach the socket in one write, in order.
TEST_F(BatchedWriteStreamTest, WritesOfOneTurnGoOutTogether) {
  stream_->BatchWrites(1 << 20);
  const std::string messages[] = {"one,", "two,", "three"};
  int completed = 0;
  std::function<void(error_code, size_t)> next = [&](error_code error, size_t n) {
    EXPECT_FALSE(error);
    EXPECT_EQ(n, messages[completed].size());
    if (++completed < 3) Write(messages[completed], next);
  };
  Write(messages[0], next);
  EXPECT_EQ(completed, 0) << "completions are posted, never run inline";
  EXPECT_EQ(stream_->buffered_writes(), 1u);
  io_.run();
  EXPECT_EQ(completed, 3);
  EXPECT_EQ(stream_->next_layer().writes(), 1);
  EXPECT_EQ(stream_->buffered_writes(), 0u);
  EXPECT_EQ(stream_->buffered_bytes(), 0u);
  stream_->next_layer().socket().shutdown(net::socket_base::shutdown_send);
  EXPECT_EQ(ReadAllAtPeer(), "one,two,three");
}

TEST_F(BatchedWriteStreamTest, BufferedBytesAreBounded) {
  stream_->BatchWrites(10);
  const std::string fits = "12345678", over = "abc";
  error_code first_error, second_error;
  size_t second_written = 99;
  Write(fits, [&](error_code error, size_t) { first_error = error; });
  Write(over, [&](error_code error, size_t n) {
    second_error = error;
    second_written = n;
  });
  EXPECT_EQ(stream_->buffered_bytes(), fits.size());
  io_.run();
  EXPECT_FALSE(first_error);
  EXPECT_EQ(second_error, net::error::no_buffer_space);
  EXPECT_EQ(second_written, 0u);
}

// A connection written to on every turn still gets its bytes: a flush waits
// for queued completions only a few times.
TEST_F(BatchedWriteStreamTest, AFlushIsPutOffOnlyAFewTimes) {
  stream_->BatchWrites(1 << 20);
  constexpr int kWrites = 40;
  int completed = 0;
  std::string expected;
  std::function<void(error_code, size_t)> next = [&](error_code error, size_t) {
    EXPECT_FALSE(error);
    if (++completed < kWrites) Write(std::to_string(completed) + ",", next);
  };
  Write("0,", next);
  for (int i = 0; i < kWrites; ++i) expected += std::to_string(i) + ",";
  io_.run();
  EXPECT_EQ(completed, kWrites);
  EXPECT_GT(stream_->next_layer().writes(), 2);
  EXPECT_LT(stream_->next_layer().writes(), kWrites / 4);
  stream_->next_layer().socket().shutdown(net::socket_base::shutdown_send);
  EXPECT_EQ(ReadAllAtPeer(), expected);
}

// The last bytes before a teardown are the close frame: they go out first.
TEST_F(BatchedWriteStreamTest, TeardownWaitsForTheBufferedBytes) {
  bool told = false;
  stream_->SetOwner(owner_, [&] { told = true; });
  stream_->BatchWrites(1 << 20);
  bool torn_down = false;
  const std::string close_frame = "close frame";
  Write(close_frame, [&](error_code error, size_t) {
    EXPECT_FALSE(error);
    async_teardown(boost::beast::role_type::server, *stream_, [&](error_code teardown_error) {
      EXPECT_FALSE(teardown_error);
      torn_down = true;
    });
  });
  io_.run();
  EXPECT_TRUE(told) << "the owner hears of the teardown";
  EXPECT_TRUE(torn_down);
  EXPECT_EQ(ReadAllAtPeer(), close_frame);
}

// A peer that does not read, a teardown waiting for the flush, and the
// io_context goes away: the waiting teardown handler holds the owner, which
// holds the stream, which holds the handler. Nothing may stay behind.
TEST(BatchedWriteStreamShutdownTest, DestroyingTheIoContextFreesAWaitingTeardown) {
  struct Owner {
    std::unique_ptr<BatchedWriteStream<CountingSocket>> stream;
  };
  std::weak_ptr<Owner> weak_owner;
  {
    net::io_context io;
    Socket ours(io), peer(io);
    net::local::connect_pair(ours, peer);
    const int small = 4096;
    ours.set_option(net::socket_base::send_buffer_size(small));
    peer.set_option(net::socket_base::receive_buffer_size(small));
    auto owner = std::make_shared<Owner>();
    owner->stream = std::make_unique<BatchedWriteStream<CountingSocket>>(std::move(ours));
    owner->stream->SetOwner(owner);
    owner->stream->BatchWrites(8 << 20);
    weak_owner = owner;
    const std::string big(2 << 20, 'x');  // more than the socket pair holds
    BatchedWriteStream<CountingSocket>* stream = owner->stream.get();
    stream->async_write_some(net::buffer(big), [stream, owner](error_code, size_t) {
      async_teardown(boost::beast::role_type::server, *stream,
                     [owner](error_code) { ADD_FAILURE() << "the peer never read"; });
    });
    owner.reset();
    // Runs until the flush blocks on the full socket.
    for (int i = 0; i < 100 && io.poll() > 0;) ++i;
    EXPECT_FALSE(weak_owner.expired()) << "held by the pending flush";
  }
  EXPECT_TRUE(weak_owner.expired());
}

TEST_F(BatchedWriteStreamTest, AFlushKeepsTheOwnerAlive) {
  stream_->BatchWrites(1 << 20);
  const std::string text = "data";
  Write(text, [](error_code, size_t) {});
  std::weak_ptr<int> owner = owner_;
  owner_.reset();
  EXPECT_FALSE(owner.expired()) << "held by the scheduled flush";
  io_.run();
  EXPECT_TRUE(owner.expired()) << "released once written";
  stream_->next_layer().socket().shutdown(net::socket_base::shutdown_send);
  EXPECT_EQ(ReadAllAtPeer(), text);
}

TEST_F(BatchedWriteStreamTest, AFailedFlushFailsLaterWrites) {
  stream_->BatchWrites(1 << 20);
  peer_.close();
  const std::string text = "to nobody";
  Write(text, [](error_code, size_t) {});
  io_.run();
  io_.restart();
  error_code later;
  Write(text, [&](error_code error, size_t) { later = error; });
  io_.run();
  EXPECT_TRUE(later) << "the broken pipe is reported";
}

}  // namespace
}  // namespace aquatic
