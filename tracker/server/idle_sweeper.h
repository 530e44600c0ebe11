// IdleSweeper: closes a worker's connections that stay idle too long, with
// one coarse timer per worker instead of one timer per connection.
//
// A per-connection timer (what Beast's tcp_stream arms for every read) costs
// a timer-queue insert and cancel, and often a timerfd_settime(2), on every
// request. Here a connection only stores a deadline when it becomes idle, and
// a sweep every `period` tells the ones past it. A connection is told at most
// `period` late and never early.
//
// Single-threaded: every call, and every OnIdleTimeout, happens on the one
// thread that runs the io_context.
#ifndef AQUATIC_TRACKER_SERVER_IDLE_SWEEPER_H_
#define AQUATIC_TRACKER_SERVER_IDLE_SWEEPER_H_

#include <chrono>
#include <cstddef>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace aquatic {

class IdleSweeper {
 public:
  using Clock = std::chrono::steady_clock;

  // A connection the sweeper watches: embed (inherit) it, Watch() it once,
  // and Forget() it before it is destroyed.
  class Entry {
   public:
    Entry() = default;
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;

    // Past its deadline. Called once per deadline: the entry stays watched,
    // without a deadline, until it gets a new one or is forgotten. It runs
    // inside the sweep, so it must not destroy any entry: cancel the
    // connection's I/O and let the connection's own handlers end it.
    virtual void OnIdleTimeout() = 0;

   protected:
    virtual ~Entry() = default;

   private:
    friend class IdleSweeper;
    Entry* previous_ = nullptr;
    Entry* next_ = nullptr;
    Clock::time_point deadline_ = Clock::time_point::max();
  };

  IdleSweeper(boost::asio::io_context& io, Clock::duration period);
  ~IdleSweeper();

  // Starts the periodic sweep (runs on the io_context's thread).
  void Start();
  // Ends the sweep and releases its timer, an Asio object that must go before
  // the io_context does. Watch and Forget keep working afterwards: the
  // connections an io_context's destruction releases still Forget() here.
  // Final: Start() after Stop() does nothing.
  void Stop();

  void Watch(Entry* entry);
  void Forget(Entry* entry);
  // The entry times out `timeout` from now, unless it gets another deadline.
  void SetTimeout(Entry* entry, Clock::duration timeout) {
    entry->deadline_ = Clock::now() + timeout;
  }
  size_t watched() const { return watched_; }

 private:
  void ScheduleSweep();
  void Sweep();

  std::optional<boost::asio::steady_timer> timer_;
  Clock::duration period_;
  Entry* head_ = nullptr;
  size_t watched_ = 0;
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_SERVER_IDLE_SWEEPER_H_
