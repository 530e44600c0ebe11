// Metrics: the counters a front-end keeps on its request path, and the
// Prometheus text format every metric of the process is served in.
//
// A protocol declares its counters once, as an X-macro list of
// (enumerator, metric name, labels, help):
//
//   #define AQUATIC_UDP_COUNTERS(X)
//     X(kConnectRequests, "aquatic_requests_total", "type=\"connect\"",
//       "Requests received, by type and IP version.")
//     ...
//   AQUATIC_DEFINE_COUNTERS(UdpCounter, AQUATIC_UDP_COUNTERS)
//
// (with a backslash ending each line of the list).
//
// which defines `enum class UdpCounter` and its spec table from the same
// list, so a name, label or help text cannot drift from its enumerator.
// Every counter is kept per IP version.
//
// Each worker owns a block of slots on cache lines of its own and is the
// only thread that writes it: an increment is a relaxed load and store, no
// locked instruction and no shared cache line. Readers (statistics, the
// Prometheus endpoint) sum the blocks.
#ifndef AQUATIC_TRACKER_BASE_METRICS_H_
#define AQUATIC_TRACKER_BASE_METRICS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace aquatic {

struct CounterSpec {
  // Prometheus metric name, e.g. "aquatic_requests_total".
  absl::string_view name;
  // Label set without braces, e.g. `type="announce"`; empty for none. The
  // protocol and ip_version labels are added when rendering.
  absl::string_view labels;
  absl::string_view help;
};

#define AQUATIC_COUNTER_ENUMERATOR(id, name, labels, help) id,
#define AQUATIC_COUNTER_SPEC(id, name, labels, help) ::aquatic::CounterSpec{name, labels, help},

// Defines `enum class Enum` (plus kCount) and `CounterSpecsOf(Enum)` from
// the X-macro `LIST`.
#define AQUATIC_DEFINE_COUNTERS(Enum, LIST)                                             \
  enum class Enum : size_t { LIST(AQUATIC_COUNTER_ENUMERATOR) kCount };                 \
  inline constexpr ::aquatic::CounterSpec k##Enum##Specs[] = {LIST(AQUATIC_COUNTER_SPEC)}; \
  static_assert(std::size(k##Enum##Specs) == static_cast<size_t>(Enum::kCount),          \
                "one spec per counter");                                                \
  inline absl::Span<const ::aquatic::CounterSpec> CounterSpecsOf(Enum) { return k##Enum##Specs; }

// 0 for IPv4, 1 for IPv6: the second index of every counter.
inline size_t IpIndex(bool ipv6) { return ipv6 ? 1 : 0; }

// The counters of one front-end: `specs` x 2 IP versions per worker.
class CounterTable {
 public:
  CounterTable(absl::Span<const CounterSpec> specs, size_t worker_count);
  ~CounterTable();
  CounterTable(const CounterTable&) = delete;
  CounterTable& operator=(const CounterTable&) = delete;

  // Worker `worker`'s slots: counter c, IP version v at [2 * c + v].
  std::atomic<uint64_t>* block(size_t worker) const { return blocks_[worker]; }

  uint64_t Total(size_t counter, size_t ip_index) const;
  // Both IP versions.
  uint64_t Total(size_t counter) const { return Total(counter, 0) + Total(counter, 1); }

  absl::Span<const CounterSpec> specs() const { return specs_; }
  size_t worker_count() const { return blocks_.size(); }

 private:
  absl::Span<const CounterSpec> specs_;
  std::vector<std::atomic<uint64_t>*> blocks_;
};

// What one worker adds to; cheap to copy, valid while its table lives.
template <typename Counter>
class WorkerCounters {
 public:
  WorkerCounters() = default;
  explicit WorkerCounters(std::atomic<uint64_t>* block) : block_(block) {}

  void Add(Counter counter, size_t ip_index, uint64_t n = 1) const {
    std::atomic<uint64_t>& slot = block_[2 * static_cast<size_t>(counter) + ip_index];
    // This worker is the slot's only writer: no read-modify-write needed.
    slot.store(slot.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

 private:
  std::atomic<uint64_t>* block_ = nullptr;
};

// A CounterTable typed by its counter enum.
template <typename Counter>
class Counters {
 public:
  explicit Counters(size_t worker_count) : table_(CounterSpecsOf(Counter{}), worker_count) {}

  WorkerCounters<Counter> ForWorker(size_t worker) const {
    return WorkerCounters<Counter>(table_.block(worker));
  }
  uint64_t Total(Counter counter) const { return table_.Total(static_cast<size_t>(counter)); }
  uint64_t Total(Counter counter, size_t ip_index) const {
    return table_.Total(static_cast<size_t>(counter), ip_index);
  }
  const CounterTable& table() const { return table_; }

 private:
  CounterTable table_;
};

// The Prometheus text exposition format of many sources (front-ends,
// engines, the process): samples are grouped by metric name, with HELP and
// TYPE once per name, in the order names first appear.
class PrometheusText {
 public:
  // `labels` without braces, may be empty.
  void AddCounter(absl::string_view name, absl::string_view help, absl::string_view labels,
                  uint64_t value);
  void AddGauge(absl::string_view name, absl::string_view help, absl::string_view labels,
                double value);
  // Every counter of `table`, with `labels` (e.g. `protocol="udp"`) first and
  // ip_version last.
  void AddCounters(const CounterTable& table, absl::string_view labels);

  std::string Render() const;

 private:
  struct Family {
    std::string name;
    std::string help;
    const char* type;
    std::vector<std::string> samples;
  };
  void Add(absl::string_view name, absl::string_view help, const char* type,
           absl::string_view labels, absl::string_view value);

  std::vector<Family> families_;
};

// "a,b" from "a" and "b", either of which may be empty.
std::string JoinLabels(absl::string_view first, absl::string_view second);

}  // namespace aquatic

#endif  // AQUATIC_TRACKER_BASE_METRICS_H_
