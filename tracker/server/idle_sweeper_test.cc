#include "tracker/server/idle_sweeper.h"

#include <chrono>
#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace aquatic {
namespace {

using std::chrono::milliseconds;

struct Connection : IdleSweeper::Entry {
  void OnIdleTimeout() override { ++timeouts; }
  int timeouts = 0;
};

class IdleSweeperTest : public testing::Test {
 protected:
  // Runs the io_context for `duration` of wall time.
  void RunFor(milliseconds duration) {
    io_.restart();
    io_.run_for(duration);
  }

  boost::asio::io_context io_;
  IdleSweeper sweeper_{io_, milliseconds(10)};
};

TEST_F(IdleSweeperTest, TellsOnlyEntriesPastTheirDeadlineOnce) {
  Connection soon, later, never;
  for (Connection* c : {&soon, &later, &never}) sweeper_.Watch(c);
  EXPECT_EQ(sweeper_.watched(), 3u);
  sweeper_.SetTimeout(&soon, milliseconds(20));
  sweeper_.SetTimeout(&later, milliseconds(2000));
  sweeper_.Start();
  RunFor(milliseconds(150));
  EXPECT_EQ(soon.timeouts, 1);  // once, though several sweeps passed since
  EXPECT_EQ(later.timeouts, 0);
  EXPECT_EQ(never.timeouts, 0);
  for (Connection* c : {&soon, &later, &never}) sweeper_.Forget(c);
  EXPECT_EQ(sweeper_.watched(), 0u);
}

TEST_F(IdleSweeperTest, NewDeadlinePostponesTheTimeout) {
  Connection busy;
  sweeper_.Watch(&busy);
  sweeper_.Start();
  // Activity every 10 ms keeps a 40 ms timeout from firing.
  for (int i = 0; i < 10; ++i) {
    sweeper_.SetTimeout(&busy, milliseconds(40));
    RunFor(milliseconds(10));
  }
  EXPECT_EQ(busy.timeouts, 0);
  RunFor(milliseconds(120));
  EXPECT_EQ(busy.timeouts, 1);
  // A new deadline after a timeout fires again.
  sweeper_.SetTimeout(&busy, milliseconds(0));
  RunFor(milliseconds(40));
  EXPECT_EQ(busy.timeouts, 2);
  sweeper_.Forget(&busy);
}

TEST_F(IdleSweeperTest, ForgetUnlinksFromAnyPosition) {
  std::vector<Connection> connections(5);
  for (Connection& c : connections) {
    sweeper_.Watch(&c);
    sweeper_.SetTimeout(&c, milliseconds(0));
  }
  // Head (last watched), middle, tail (first watched).
  sweeper_.Forget(&connections[4]);
  sweeper_.Forget(&connections[2]);
  sweeper_.Forget(&connections[0]);
  EXPECT_EQ(sweeper_.watched(), 2u);
  sweeper_.Start();
  RunFor(milliseconds(50));
  EXPECT_EQ(connections[0].timeouts + connections[2].timeouts + connections[4].timeouts, 0);
  EXPECT_EQ(connections[1].timeouts, 1);
  EXPECT_EQ(connections[3].timeouts, 1);
  sweeper_.Forget(&connections[1]);
  sweeper_.Forget(&connections[3]);
}

TEST_F(IdleSweeperTest, StopEndsTheSweepAndLetsTheContextFinish) {
  Connection c;
  sweeper_.Watch(&c);
  sweeper_.SetTimeout(&c, milliseconds(30));
  sweeper_.Start();
  sweeper_.Stop();
  io_.restart();
  // No work left: run() returns at once instead of sweeping forever.
  const auto start = std::chrono::steady_clock::now();
  io_.run();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
  EXPECT_EQ(c.timeouts, 0);
  sweeper_.Forget(&c);
}

TEST(IdleSweeperLifetimeTest, ForgetWorksAfterStopAndTheContextIsGone) {
  // A tracker's shutdown: the sweep stops, the io_context goes (destroying
  // the connections it still held, which Forget() themselves), the sweeper
  // last. Under ASan this fails if the timer outlives its io_context.
  auto io = std::make_unique<boost::asio::io_context>();
  auto sweeper = std::make_unique<IdleSweeper>(*io, milliseconds(10));
  Connection c;
  sweeper->Watch(&c);
  sweeper->Start();
  sweeper->Stop();
  sweeper->Start();  // final: does nothing
  io.reset();
  sweeper->Forget(&c);
  EXPECT_EQ(sweeper->watched(), 0u);
  sweeper.reset();
}

}  // namespace
}  // namespace aquatic
