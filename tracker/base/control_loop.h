// The main thread of every tracker: waits for signals and runs the periodic
// tasks, so socket workers never do housekeeping and nothing on the request
// path takes a global lock.
//
//   SIGINT, SIGTERM  stop (RunControlLoop returns)
//   SIGUSR1          reload (access list, TLS certificates)
#ifndef AQUATIC_TRACKER_BASE_CONTROL_LOOP_H_
#define AQUATIC_TRACKER_BASE_CONTROL_LOOP_H_

#include <cstdint>
#include <functional>
#include <vector>

namespace aquatic {

struct PeriodicTask {
  uint32_t interval_seconds = 0;
  std::function<void()> run;
};

// Blocks SIGINT, SIGTERM and SIGUSR1 in the calling thread; threads started
// afterwards inherit the mask, so only RunControlLoop receives them. Call it
// before starting any worker thread.
void BlockControlSignals();

// Until SIGINT/SIGTERM: runs `on_reload` on SIGUSR1 and each task every
// interval. Returns the stopping signal.
int RunControlLoop(const std::vector<PeriodicTask>& tasks, const std::function<void()>& on_reload);

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_CONTROL_LOOP_H_
