#include "tracker/base/metrics.h"

#include <new>

#include "absl/strings/str_cat.h"

namespace aquatic {
namespace {

constexpr size_t kCacheLine = 64;

// Slots per worker block, rounded up so that blocks share no cache line.
size_t BlockSlots(size_t counter_count) {
  constexpr size_t kPerLine = kCacheLine / sizeof(std::atomic<uint64_t>);
  const size_t slots = 2 * counter_count;
  return (slots + kPerLine - 1) / kPerLine * kPerLine;
}

}  // namespace

CounterTable::CounterTable(absl::Span<const CounterSpec> specs, size_t worker_count)
    : specs_(specs) {
  const size_t slots = BlockSlots(specs.size());
  for (size_t i = 0; i < (worker_count == 0 ? 1 : worker_count); ++i) {
    void* memory = ::operator new(slots * sizeof(std::atomic<uint64_t>),
                                  std::align_val_t(kCacheLine));
    auto* block = static_cast<std::atomic<uint64_t>*>(memory);
    for (size_t slot = 0; slot < slots; ++slot) new (&block[slot]) std::atomic<uint64_t>(0);
    blocks_.push_back(block);
  }
}

CounterTable::~CounterTable() {
  for (std::atomic<uint64_t>* block : blocks_) {
    ::operator delete(block, std::align_val_t(kCacheLine));
  }
}

uint64_t CounterTable::Total(size_t counter, size_t ip_index) const {
  uint64_t total = 0;
  for (std::atomic<uint64_t>* block : blocks_) {
    total += block[2 * counter + ip_index].load(std::memory_order_relaxed);
  }
  return total;
}

std::string JoinLabels(absl::string_view first, absl::string_view second) {
  if (first.empty()) return std::string(second);
  if (second.empty()) return std::string(first);
  return absl::StrCat(first, ",", second);
}

void PrometheusText::Add(absl::string_view name, absl::string_view help, const char* type,
                         absl::string_view labels, absl::string_view value) {
  Family* family = nullptr;
  for (Family& candidate : families_) {
    if (candidate.name == name) family = &candidate;
  }
  if (family == nullptr) {
    family = &families_.emplace_back(Family{std::string(name), std::string(help), type, {}});
  }
  family->samples.push_back(
      absl::StrCat(name, labels.empty() ? "" : absl::StrCat("{", labels, "}"), " ", value));
}

void PrometheusText::AddCounter(absl::string_view name, absl::string_view help,
                                absl::string_view labels, uint64_t value) {
  Add(name, help, "counter", labels, absl::StrCat(value));
}

void PrometheusText::AddGauge(absl::string_view name, absl::string_view help,
                              absl::string_view labels, double value) {
  Add(name, help, "gauge", labels, absl::StrCat(value));
}

void PrometheusText::AddCounters(const CounterTable& table, absl::string_view labels) {
  for (size_t counter = 0; counter < table.specs().size(); ++counter) {
    const CounterSpec& spec = table.specs()[counter];
    const std::string own = JoinLabels(labels, spec.labels);
    for (size_t ip_index : {0, 1}) {
      AddCounter(spec.name, spec.help,
                 JoinLabels(own, ip_index == 0 ? "ip_version=\"4\"" : "ip_version=\"6\""),
                 table.Total(counter, ip_index));
    }
  }
}

std::string PrometheusText::Render() const {
  std::string out;
  for (const Family& family : families_) {
    absl::StrAppend(&out, "# HELP ", family.name, " ", family.help, "\n# TYPE ", family.name, " ",
                    family.type, "\n");
    for (const std::string& sample : family.samples) absl::StrAppend(&out, sample, "\n");
  }
  return out;
}

}  // namespace aquatic
