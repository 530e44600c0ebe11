// The main thread of every tracker: waits for signals and runs the periodic
// tasks, so socket workers never do housekeeping and nothing on the request
// path takes a global lock.
//
//   SIGINT, SIGTERM  stop (RunControlLoop returns)
//   SIGUSR1, SIGHUP  reload (access list, TLS certificates); SIGHUP as in
//                    opentracker, so that an operator moving over does not
//                    stop the tracker with it
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

// Blocks SIGINT, SIGTERM, SIGUSR1 and SIGHUP in the calling thread; threads started
// afterwards inherit the mask, so only RunControlLoop receives them. Call it
// before starting any worker thread. Also ignores SIGXFSZ, so that a file
// size limit (systemd's LimitFSIZE, a quota) fails a write of the storage or
// the statistics page with EFBIG, which they survive, instead of killing the
// tracker.
void BlockControlSignals();

// Until SIGINT/SIGTERM: runs `on_reload(signal)` on SIGUSR1 and SIGHUP and
// each task every interval. Returns the stopping signal.
int RunControlLoop(const std::vector<PeriodicTask>& tasks,
                   const std::function<void(int signal)>& on_reload);

// "SIGTERM", "SIGHUP", ...
const char* SignalName(int signal);

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_CONTROL_LOOP_H_
