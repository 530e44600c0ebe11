// FrameLimitedStream<NextLayer>: a stream layer under Beast's
// websocket::stream that runs every byte the peer sends through a
// WebSocketFrameSizeGuard, and fails the read (message_too_big) at the first
// frame over `websocket_max_frame_size`. The guard also relabels text
// messages as binary for Beast (see frame_size_guard.h): the reader asks
// MessageWasText() for each message it reads. Writes pass through unchanged.
//
// Checking starts with LimitFrames(), called once the HTTP upgrade has been
// read (the same layer carries it first). Included only by Beast translation
// units: the WebTorrent tracker's ws_session.cc, and the ws load tester, which
// reads the tracker's messages the same way (Beast would check their UTF-8
// byte by byte, the load tester's largest cost).
#ifndef AQUATIC_TRACKER_SERVER_WEBSOCKET_FRAME_LIMITED_STREAM_H_
#define AQUATIC_TRACKER_SERVER_WEBSOCKET_FRAME_LIMITED_STREAM_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include "tracker/server/websocket/frame_size_guard.h"

namespace aquatic {

template <typename NextLayer>
class FrameLimitedStream {
 public:
  using next_layer_type = NextLayer;
  using executor_type = typename NextLayer::executor_type;

  template <typename... Args>
  explicit FrameLimitedStream(Args&&... args) : next_(std::forward<Args>(args)...) {}

  // From now on, reads fail at the first frame with a longer payload, and
  // text messages reach Beast labelled binary.
  void LimitFrames(uint64_t max_payload) { guard_.emplace(max_payload, /*relabel_text=*/true); }

  // For each message Beast has read since LimitFrames(), in order: whether
  // the client sent it as text. False for binary, or when nothing is known.
  bool MessageWasText() {
    return guard_.has_value() && guard_->PopMessageWasText().value_or(false);
  }

  executor_type get_executor() noexcept { return next_.get_executor(); }
  NextLayer& next_layer() noexcept { return next_; }
  const NextLayer& next_layer() const noexcept { return next_; }

  template <typename MutableBuffers, typename ReadHandler>
  auto async_read_some(const MutableBuffers& buffers, ReadHandler&& handler) {
    return boost::asio::async_initiate<ReadHandler, void(boost::system::error_code, size_t)>(
        [this, buffers](auto&& completion) {
          next_.async_read_some(
              buffers, CheckedRead<MutableBuffers, std::decay_t<decltype(completion)>>{
                           this, buffers, std::forward<decltype(completion)>(completion)});
        },
        handler);
  }

  template <typename ConstBuffers, typename WriteHandler>
  auto async_write_some(const ConstBuffers& buffers, WriteHandler&& handler) {
    return next_.async_write_some(buffers, std::forward<WriteHandler>(handler));
  }

 private:
  // Completes a read of the next layer: guards the bytes read, then calls the
  // reader (Beast's websocket read) with their count or message_too_big. It
  // keeps the reader's associated executor, so Beast's handler runs where it
  // would have without this layer.
  template <typename Buffers, typename Handler>
  struct CheckedRead {
    FrameLimitedStream* stream;
    Buffers buffers;
    Handler handler;

    using executor_type =
        boost::asio::associated_executor_t<Handler, typename NextLayer::executor_type>;
    executor_type get_executor() const noexcept {
      return boost::asio::get_associated_executor(handler, stream->get_executor());
    }

    void operator()(boost::system::error_code error, size_t bytes) {
      if (!error && stream->guard_.has_value() && !stream->Guard(buffers, bytes)) {
        error = boost::beast::websocket::error::message_too_big;
      }
      std::move(handler)(error, bytes);
    }
  };

  template <typename Buffers>
  bool Guard(const Buffers& buffers, size_t bytes) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         bytes > 0 && it != boost::asio::buffer_sequence_end(buffers); ++it) {
      const boost::asio::mutable_buffer buffer(*it);
      const size_t n = std::min(bytes, buffer.size());
      if (!guard_->Consume({static_cast<uint8_t*>(buffer.data()), n})) return false;
      bytes -= n;
    }
    return true;
  }

  NextLayer next_;
  std::optional<WebSocketFrameSizeGuard> guard_;
};

// Closing a WebSocket tears down the layer below; found by Beast through ADL.
template <typename NextLayer>
void teardown(boost::beast::role_type role, FrameLimitedStream<NextLayer>& stream,
              boost::system::error_code& error) {
  using boost::beast::websocket::teardown;
  teardown(role, stream.next_layer(), error);
}

template <typename NextLayer, typename TeardownHandler>
void async_teardown(boost::beast::role_type role, FrameLimitedStream<NextLayer>& stream,
                    TeardownHandler&& handler) {
  using boost::beast::websocket::async_teardown;
  async_teardown(role, stream.next_layer(), std::forward<TeardownHandler>(handler));
}

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_WEBSOCKET_FRAME_LIMITED_STREAM_H_
