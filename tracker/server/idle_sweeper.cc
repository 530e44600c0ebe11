#include "tracker/server/idle_sweeper.h"

#include <boost/system/error_code.hpp>

namespace aquatic {

IdleSweeper::IdleSweeper(boost::asio::io_context& io, Clock::duration period)
    : period_(period) {
  timer_.emplace(io);
}

IdleSweeper::~IdleSweeper() { Stop(); }

void IdleSweeper::Start() { ScheduleSweep(); }

void IdleSweeper::Stop() {
  if (!timer_) return;
  timer_->cancel();
  timer_.reset();
}

void IdleSweeper::Watch(Entry* entry) {
  entry->previous_ = nullptr;
  entry->next_ = head_;
  if (head_ != nullptr) head_->previous_ = entry;
  head_ = entry;
  ++watched_;
}

void IdleSweeper::Forget(Entry* entry) {
  if (entry->previous_ != nullptr) {
    entry->previous_->next_ = entry->next_;
  } else {
    head_ = entry->next_;
  }
  if (entry->next_ != nullptr) entry->next_->previous_ = entry->previous_;
  entry->previous_ = entry->next_ = nullptr;
  --watched_;
}

void IdleSweeper::ScheduleSweep() {
  if (!timer_) return;
  timer_->expires_after(period_);
  timer_->async_wait([this](const boost::system::error_code& error) {
    if (error || !timer_) return;
    Sweep();
    ScheduleSweep();
  });
}

void IdleSweeper::Sweep() {
  const Clock::time_point now = Clock::now();
  for (Entry* entry = head_; entry != nullptr;) {
    // OnIdleTimeout may not destroy the entry (it runs inside a sweep), but
    // read the link first all the same.
    Entry* next = entry->next_;
    if (entry->deadline_ <= now) {
      entry->deadline_ = Clock::time_point::max();
      entry->OnIdleTimeout();
    }
    entry = next;
  }
}

}  // namespace aquatic
