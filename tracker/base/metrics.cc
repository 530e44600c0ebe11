#include "tracker/base/metrics.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace aquatic {
namespace {

void AppendSample(const MetricSpec& spec, const std::string& type, absl::string_view value,
                  absl::flat_hash_set<std::string>* described, std::string* out) {
  if (described->insert(spec.name).second) {
    absl::StrAppend(out, "# HELP ", spec.name, " ", spec.help, "\n", "# TYPE ", spec.name, " ",
                    type, "\n");
  }
  absl::StrAppend(out, spec.name, spec.labels.empty() ? "" : absl::StrCat("{", spec.labels, "}"),
                  " ", value, "\n");
}

}  // namespace

void AddPerIpVersion(const std::string& name, const std::string& help,
                     const std::string& labels, std::vector<MetricSpec>* specs) {
  for (const char* version : {"4", "6"}) {
    specs->push_back({name, help,
                      absl::StrCat(labels, labels.empty() ? "" : ",", "ip_version=\"", version,
                                   "\"")});
  }
}

Metrics::Metrics(std::vector<MetricSpec> counters, size_t worker_count)
    : counters_(std::move(counters)) {
  for (size_t i = 0; i < (worker_count == 0 ? 1 : worker_count); ++i) {
    slots_.push_back(std::make_unique<Slot>(counters_.size()));
  }
}

uint64_t Metrics::Total(size_t counter) const {
  uint64_t total = 0;
  for (const auto& slot : slots_) total += slot->values[counter].load(std::memory_order_relaxed);
  return total;
}

std::string Metrics::RenderPrometheus(const std::vector<GaugeValue>& gauges) const {
  std::string out;
  absl::flat_hash_set<std::string> described;
  for (size_t i = 0; i < counters_.size(); ++i) {
    AppendSample(counters_[i], "counter", absl::StrCat(Total(i)), &described, &out);
  }
  for (const GaugeValue& gauge : gauges) {
    AppendSample(gauge.spec, "gauge", absl::StrCat(gauge.value), &described, &out);
  }
  return out;
}

}  // namespace aquatic
