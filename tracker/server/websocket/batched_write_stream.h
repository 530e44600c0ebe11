// BatchedWriteStream<NextLayer>: a stream layer under Beast's
// websocket::stream that gathers what Beast writes and sends it to the layer
// below in as few writes as it can.
//
// Beast writes one WebSocket message per write, and each write is a send(2)
// and a TCP segment: on a busy tracker a connection is sent several messages
// (its announce reply, offers and answers from other peers) in one turn of
// the event loop. Here a write only appends to a buffer and completes at once
// (posted, never inline); one flush per turn sends everything buffered. The
// flush is posted, and posted again while completions of this layer's writes
// are still queued, since each of them may let Beast write the next message
// (a few times at most, so that a connection sent something on every turn
// still gets its bytes). Bytes go out in the order Beast wrote them, Beast's
// own control frames (pong, close) included.
//
// Buffered bytes are bounded: a write that would buffer more than the limit
// fails with no_buffer_space, which fails Beast's operation (a peer that does
// not read, or floods pings without reading the pongs). The session checks
// buffered_bytes() and buffered_writes() first and disconnects such a peer
// itself.
//
// Until BatchWrites() is called, writes pass straight through (the HTTP
// upgrade and health-check replies, after which the socket may be shut down
// at once). Reads always pass through.
//
// A flush in progress keeps the layer's owner alive (SetOwner): the session
// holding this stream may otherwise end, and destroy the stream, while the
// layer below still writes from it. Tearing the connection down (after the
// WebSocket close handshake) waits for the buffered bytes to go out first:
// the last of them is the close frame. Included only by ws_session.cc, the
// one Beast translation unit of the WebTorrent tracker.
//
// Single-threaded: everything runs on the one thread of the stream's
// io_context.
#ifndef AQUATIC_TRACKER_SERVER_WEBSOCKET_BATCHED_WRITE_STREAM_H_
#define AQUATIC_TRACKER_SERVER_WEBSOCKET_BATCHED_WRITE_STREAM_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <boost/system/error_code.hpp>

namespace aquatic {

template <typename NextLayer>
class BatchedWriteStream {
 public:
  using next_layer_type = NextLayer;
  using executor_type = typename NextLayer::executor_type;

  template <typename... Args>
  explicit BatchedWriteStream(Args&&... args) : next_(std::forward<Args>(args)...) {}

  // Flushes in progress hold `owner` (the object that owns this stream).
  // `on_teardown` runs when Beast starts tearing the connection down (the
  // owner may want a deadline for it). Before BatchWrites().
  void SetOwner(std::weak_ptr<void> owner, std::function<void()> on_teardown = nullptr) {
    owner_ = std::move(owner);
    on_teardown_ = std::move(on_teardown);
  }

  // From now on writes are batched, with at most `max_buffered_bytes`
  // buffered (not yet handed to the layer below or not yet written by it).
  // Without a live owner writes keep passing through.
  void BatchWrites(size_t max_buffered_bytes) {
    if (!owner_.expired()) max_buffered_ = max_buffered_bytes;
  }

  size_t buffered_bytes() const { return pending_.size() + in_flight_.size(); }
  // Writes (Beast writes one per frame) whose bytes are buffered.
  size_t buffered_writes() const { return pending_writes_ + in_flight_writes_; }

  executor_type get_executor() noexcept { return next_.get_executor(); }
  NextLayer& next_layer() noexcept { return next_; }
  const NextLayer& next_layer() const noexcept { return next_; }

  // The connection is being torn down: tells the owner, and calls `then` once
  // every buffered byte is written (or writing failed), at once if nothing is
  // buffered.
  void FlushForTeardown(std::function<void()> then) {
    if (on_teardown_) on_teardown_();
    if (buffered_bytes() == 0 || error_) return then();
    after_flush_ = std::move(then);
    Flush();
  }

  template <typename MutableBuffers, typename ReadHandler>
  auto async_read_some(const MutableBuffers& buffers, ReadHandler&& handler) {
    return next_.async_read_some(buffers, std::forward<ReadHandler>(handler));
  }

  template <typename ConstBuffers, typename WriteHandler>
  auto async_write_some(const ConstBuffers& buffers, WriteHandler&& handler) {
    if (max_buffered_ == 0) {
      return next_.async_write_some(buffers, std::forward<WriteHandler>(handler));
    }
    return boost::asio::async_initiate<WriteHandler, void(boost::system::error_code, size_t)>(
        [this, buffers](auto&& completion) { Buffer(buffers, std::move(completion)); }, handler);
  }

 private:
  static constexpr size_t kKeptCapacity = 4096;
  // A flush waits for queued completions at most this many times, or until
  // this many bytes are buffered.
  static constexpr int kMaxFlushDeferrals = 8;
  static constexpr size_t kFlushBytes = 64 * 1024;

  // The completion of a flush. If it is destroyed without running (the
  // io_context goes away while the write is pending), it drops the teardown
  // continuation: that holds Beast's handler, which holds the owner, which
  // holds this stream, a cycle nothing else would break.
  class Flushed {
   public:
    Flushed(BatchedWriteStream* stream, std::shared_ptr<void> keep_alive)
        : stream_(stream), keep_alive_(std::move(keep_alive)) {}
    Flushed(Flushed&& other) noexcept
        : stream_(std::exchange(other.stream_, nullptr)),
          keep_alive_(std::move(other.keep_alive_)) {}
    Flushed& operator=(Flushed&&) = delete;
    ~Flushed() {
      // keep_alive_, destroyed after this body, keeps the stream alive here.
      if (stream_ != nullptr) stream_->after_flush_ = nullptr;
    }
    void operator()(boost::system::error_code error, size_t) {
      std::exchange(stream_, nullptr)->OnFlushed(error);
    }

   private:
    BatchedWriteStream* stream_;
    std::shared_ptr<void> keep_alive_;
  };

  template <typename ConstBuffers, typename Handler>
  void Buffer(const ConstBuffers& buffers, Handler&& handler) {
    boost::system::error_code error = error_;
    size_t written = 0;
    const size_t size = boost::asio::buffer_size(buffers);
    if (!error && buffered_bytes() + size > max_buffered_) {
      error = boost::asio::error::no_buffer_space;
    }
    if (!error) {
      const size_t old_size = pending_.size();
      pending_.resize(old_size + size);
      written = boost::asio::buffer_copy(boost::asio::buffer(&pending_[old_size], size), buffers);
      ++pending_writes_;
    }
    // The completion first, then the flush: the flush finds it queued.
    ++completions_queued_;
    auto executor = boost::asio::get_associated_executor(handler, get_executor());
    boost::asio::post(executor, [this, handler = std::move(handler), error, written]() mutable {
      --completions_queued_;
      std::move(handler)(error, written);
    });
    if (!error) ScheduleFlush();
  }

  void ScheduleFlush() {
    if (flush_scheduled_ || flushing_) return;
    std::shared_ptr<void> keep_alive = owner_.lock();
    if (keep_alive == nullptr) return;  // the owner is being destroyed
    flush_scheduled_ = true;
    boost::asio::post(get_executor(), [this, keep_alive = std::move(keep_alive)] {
      flush_scheduled_ = false;
      // Each queued completion may bring Beast's next write: wait for them,
      // within bounds.
      if (completions_queued_ > 0 && deferrals_ < kMaxFlushDeferrals &&
          pending_.size() < kFlushBytes) {
        ++deferrals_;
        return ScheduleFlush();
      }
      Flush();
    });
  }

  void Flush() {
    if (pending_.empty() || flushing_ || error_) return;
    std::shared_ptr<void> keep_alive = owner_.lock();
    if (keep_alive == nullptr) return;
    flushing_ = true;
    deferrals_ = 0;
    in_flight_.swap(pending_);
    in_flight_writes_ = std::exchange(pending_writes_, 0);
    boost::asio::async_write(next_, boost::asio::buffer(in_flight_),
                             Flushed(this, std::move(keep_alive)));
  }

  void OnFlushed(boost::system::error_code error) {
    flushing_ = false;
    in_flight_writes_ = 0;
    if (in_flight_.capacity() > kKeptCapacity) {
      std::string().swap(in_flight_);  // an idle connection keeps little
    } else {
      in_flight_.clear();
    }
    if (error) {
      error_ = error;
      pending_.clear();
      pending_writes_ = 0;
    }
    if (after_flush_) {
      if (!pending_.empty()) return Flush();
      std::function<void()> then = std::move(after_flush_);
      after_flush_ = nullptr;
      return then();
    }
    // What was written meanwhile goes out like any other batch.
    if (!pending_.empty()) ScheduleFlush();
  }

  NextLayer next_;
  std::weak_ptr<void> owner_;
  std::function<void()> on_teardown_;
  size_t max_buffered_ = 0;  // 0: not batching
  std::string pending_;      // written by Beast, not yet flushed
  std::string in_flight_;    // being written by the layer below
  size_t pending_writes_ = 0;
  size_t in_flight_writes_ = 0;
  size_t completions_queued_ = 0;
  int deferrals_ = 0;
  bool flush_scheduled_ = false;
  bool flushing_ = false;
  boost::system::error_code error_;  // of a failed flush: later writes fail
  std::function<void()> after_flush_;
};

// Closing a WebSocket tears down the layer below; found by Beast through ADL.
// The synchronous form (unused: the tracker is asynchronous) drops what is
// buffered.
template <typename NextLayer>
void teardown(boost::beast::role_type role, BatchedWriteStream<NextLayer>& stream,
              boost::system::error_code& error) {
  using boost::beast::websocket::teardown;
  teardown(role, stream.next_layer(), error);
}

template <typename NextLayer, typename TeardownHandler>
void async_teardown(boost::beast::role_type role, BatchedWriteStream<NextLayer>& stream,
                    TeardownHandler&& handler) {
  // std::function needs a copyable target; Beast's handler is move-only.
  auto shared = std::make_shared<std::decay_t<TeardownHandler>>(
      std::forward<TeardownHandler>(handler));
  stream.FlushForTeardown([role, &stream, shared] {
    using boost::beast::websocket::async_teardown;
    async_teardown(role, stream.next_layer(), std::move(*shared));
  });
}

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_WEBSOCKET_BATCHED_WRITE_STREAM_H_
