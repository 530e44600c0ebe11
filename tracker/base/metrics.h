// Metrics: the counters a tracker keeps on its request path, and their
// Prometheus text rendering.
//
// Each protocol declares its counters once (name, help, labels); every socket
// worker adds to its own cache-line-aligned slot with relaxed atomics, so the
// request path shares no memory between threads. The statistics loop sums the
// slots and adds gauges (torrents, peers, ...) it reads from the swarm engine.
#ifndef AQUATIC_TRACKER_BASE_METRICS_H_
#define AQUATIC_TRACKER_BASE_METRICS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace aquatic {

struct MetricSpec {
  // Prometheus metric name, e.g. "aquatic_requests_total".
  std::string name;
  std::string help;
  // Label set without braces, e.g. `type="announce",ip_version="4"`; empty
  // for none.
  std::string labels;
};

// Appends `name` twice, with `labels` plus ip_version="4", then "6": the
// layout of every per-protocol counter list (index = base + 0 for IPv4,
// base + 1 for IPv6).
void AddPerIpVersion(const std::string& name, const std::string& help,
                     const std::string& labels, std::vector<MetricSpec>* specs);

struct GaugeValue {
  MetricSpec spec;
  double value = 0;
};

class Metrics {
 public:
  Metrics(std::vector<MetricSpec> counters, size_t worker_count);

  // The hot path: worker `worker` adds `n` to counter `counter`.
  void Add(size_t worker, size_t counter, uint64_t n = 1) {
    slots_[worker]->values[counter].fetch_add(n, std::memory_order_relaxed);
  }

  uint64_t Total(size_t counter) const;
  const std::vector<MetricSpec>& counters() const { return counters_; }
  size_t worker_count() const { return slots_.size(); }

  // Prometheus text exposition format: HELP and TYPE once per metric name,
  // then one sample per label set; counters first, then `gauges`.
  std::string RenderPrometheus(const std::vector<GaugeValue>& gauges) const;

 private:
  struct alignas(64) Slot {
    explicit Slot(size_t n) : values(new std::atomic<uint64_t>[n]()) {}
    std::unique_ptr<std::atomic<uint64_t>[]> values;
  };

  std::vector<MetricSpec> counters_;
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_METRICS_H_
