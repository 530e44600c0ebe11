#include "tracker/admission/admission.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace aquatic::admission {
namespace {

// Reports an AdmissionCheck gathers before it records them: a UDP receive
// batch and then some.
constexpr size_t kTransferBatch = 64;

constexpr absl::string_view kTransportNames[kTransports] = {"udp", "http", "ws"};
constexpr absl::string_view kRefusalNames[kRefusals] = {"none", "key_missing", "key_unknown",
                                                        "key_expired", "client"};

}  // namespace

std::string Verdict::Message() const {
  switch (refusal) {
    case Refusal::kNone: return "";
    case Refusal::kKeyMissing: return "private tracker: the URL carries no valid key";
    case Refusal::kKeyUnknown: return "private tracker: unknown key";
    case Refusal::kKeyExpired: return "private tracker: key expired";
    case Refusal::kClientRefused:
      return rule.empty() ? "client not allowed: no allowed peer id prefix matches"
                          : absl::StrCat("client not allowed: peer id prefix \"", rule,
                                         "\" is denied");
  }
  return "";
}

Admission::Admission(bool keys_required, std::unique_ptr<ClientFilterHolder> client_filter,
                     KeyRegistry::Persist persist, TransferLedger::Sink sink)
    : keys_required_(keys_required),
      client_filter_(client_filter != nullptr
                         ? std::move(client_filter)
                         : std::make_unique<ClientFilterHolder>(
                               ClientFilterMode::kOff, "",
                               std::make_shared<const ClientFilter>())),
      keys_(std::move(persist)),
      ledger_(std::move(sink)) {}

Admission::Admission() : Admission(false, nullptr, nullptr, nullptr) {}

void Admission::AddMetrics(PrometheusText* text) const {
  for (size_t transport = 0; transport < kTransports; ++transport) {
    for (size_t refusal = 1; refusal < kRefusals; ++refusal) {
      text->AddCounter("aquatic_refused_requests_total",
                       "Announces and scrapes refused for their key or client, by reason.",
                       absl::StrCat("protocol=\"", kTransportNames[transport], "\",reason=\"",
                                    kRefusalNames[refusal], "\""),
                       refusals_[transport][refusal].load(std::memory_order_relaxed));
    }
  }
  if (keys_required_) {
    text->AddGauge("aquatic_private_keys", "Keys of the private tracker (expired included).", "",
                   static_cast<double>(keys_.Get()->size()));
  }
}

AdmissionCheck::AdmissionCheck(Admission* admission, Transport transport)
    : admission_(admission), transport_(transport) {
  if (admission == nullptr) return;
  keys_required_ = admission->keys_required();
  active_ = keys_required_ || admission->filters_clients();
  if (keys_required_) {
    keys_ = std::make_unique<CachedSnapshot<KeySet>>(&admission->keys().snapshot());
    // Only UDP answers in batches; HTTP and WebTorrent record as they go.
    if (transport == Transport::kUdp) transfers_ = std::make_unique<TransferBatch>(kTransferBatch);
  }
  if (admission->filters_clients()) {
    client_filter_ =
        std::make_unique<CachedSnapshot<ClientFilter>>(&admission->client_filter().snapshot());
  }
}

Verdict AdmissionCheck::Refuse(Refusal refusal) {
  if (admission_ != nullptr) admission_->CountRefusal(transport_, refusal);
  return Verdict{refusal, {}};
}

Verdict AdmissionCheck::CheckKey(absl::string_view key_text, uint64_t unix_now,
                                 TrackerKey* key) {
  if (!keys_required_) return Verdict{};
  const std::optional<TrackerKey> parsed = ParseTrackerKey(key_text);
  if (!parsed.has_value()) return Refuse(Refusal::kKeyMissing);
  switch (keys_->Current().Check(*parsed, unix_now)) {
    case KeyStatus::kValid: break;
    case KeyStatus::kUnknown: return Refuse(Refusal::kKeyUnknown);
    case KeyStatus::kExpired: return Refuse(Refusal::kKeyExpired);
  }
  if (key != nullptr) *key = *parsed;
  return Verdict{};
}

Verdict AdmissionCheck::CheckAnnounce(absl::string_view key_text,
                                      absl::Span<const uint8_t> peer_id, uint64_t unix_now,
                                      TrackerKey* key) {
  if (Verdict verdict = CheckKey(key_text, unix_now, key); !verdict.admitted()) return verdict;
  if (client_filter_ != nullptr) {
    const ClientFilter::Verdict client = client_filter_->Current().Check(peer_id);
    if (!client.allowed) {
      Verdict verdict = Refuse(Refusal::kClientRefused);
      verdict.rule = client.rule;
      return verdict;
    }
  }
  return Verdict{};
}

void AdmissionCheck::Prefetch(absl::string_view key_text) {
  if (!keys_required_) return;
  if (const std::optional<TrackerKey> key = ParseTrackerKey(key_text); key.has_value()) {
    keys_->Current().Prefetch(*key);
  }
}

void AdmissionCheck::AccountLater(const TransferReport& report) {
  if (transfers_ == nullptr) {
    Account(report);
    return;
  }
  transfers_->Add(report);
  if (transfers_->full()) FlushAccounts();
}

void AdmissionCheck::FlushAccounts() {
  if (transfers_ != nullptr && !transfers_->empty()) admission_->ledger().Record(transfers_.get());
}

Verdict AdmissionCheck::CheckScrape(absl::string_view key_text, uint64_t unix_now) {
  return CheckKey(key_text, unix_now, nullptr);
}

}  // namespace aquatic::admission
