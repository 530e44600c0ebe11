#include "tracker/base/control_loop.h"

#include <signal.h>
#include <time.h>

#include "tracker/base/clock.h"

namespace aquatic {
namespace {

sigset_t ControlSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);
  sigaddset(&signals, SIGHUP);
  return signals;
}

}  // namespace

void BlockControlSignals() {
  const sigset_t signals = ControlSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGXFSZ, SIG_IGN);
}

const char* SignalName(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
  }
}

int RunControlLoop(const std::vector<PeriodicTask>& tasks,
                   const std::function<void(int signal)>& on_reload) {
  const sigset_t signals = ControlSignals();
  std::vector<uint32_t> next_run;
  for (const PeriodicTask& task : tasks) {
    next_run.push_back(SecondsSinceStart() + task.interval_seconds);
  }
  while (true) {
    // Wake at least every second to run due tasks.
    const timespec timeout{1, 0};
    const int signal = sigtimedwait(&signals, nullptr, &timeout);
    if (signal == SIGINT || signal == SIGTERM) return signal;
    if ((signal == SIGUSR1 || signal == SIGHUP) && on_reload) on_reload(signal);
    const uint32_t now = SecondsSinceStart();
    for (size_t i = 0; i < tasks.size(); ++i) {
      if (tasks[i].interval_seconds == 0 || now < next_run[i]) continue;
      tasks[i].run();
      next_run[i] = now + tasks[i].interval_seconds;
    }
  }
}

}  // namespace aquatic
