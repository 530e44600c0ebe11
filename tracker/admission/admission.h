// Admission: who may use the tracker beyond the access list, for every
// protocol alike: the keys of a private tracker ([private] mode = "keys"),
// the client filter ([client_filter]), and the per-key transfer accounting
// that comes with keys.
//
// The Runtime owns one Admission; each worker of each front-end holds an
// AdmissionCheck, which reads the keys and the filter through snapshots (no
// lock per request) and counts refusals by protocol and reason
// (aquatic_refused_requests_total).
#ifndef AQUATIC_TRACKER_ADMISSION_ADMISSION_H_
#define AQUATIC_TRACKER_ADMISSION_ADMISSION_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "tracker/admission/client_filter.h"
#include "tracker/admission/key_registry.h"
#include "tracker/admission/transfer_ledger.h"
#include "tracker/base/metrics.h"
#include "tracker/base/snapshot.h"
#include "tracker/base/tracker_key.h"

namespace aquatic::admission {

enum class Transport : uint8_t { kUdp, kHttp, kWebTorrent };
inline constexpr size_t kTransports = 3;

enum class Refusal : uint8_t {
  kNone,
  // Keys are required and the request carries none (or one that is not 32
  // letters and digits, which no key is).
  kKeyMissing,
  kKeyUnknown,
  kKeyExpired,
  kClientRefused,
};
inline constexpr size_t kRefusals = 5;

struct Verdict {
  Refusal refusal = Refusal::kNone;
  // kClientRefused in deny mode: the prefix that matched.
  absl::string_view rule;

  bool admitted() const { return refusal == Refusal::kNone; }
  // The failure reason the client is sent.
  std::string Message() const;
};

class Admission {
 public:
  // `client_filter` may be null (off). The key registry persists through
  // `persist` and the ledger's deltas go to `sink` (both may be null).
  Admission(bool keys_required, std::unique_ptr<ClientFilterHolder> client_filter,
            KeyRegistry::Persist persist, TransferLedger::Sink sink);
  // Keys off, client filter off: admits everyone (tests, fuzz targets).
  Admission();

  bool keys_required() const { return keys_required_; }
  bool filters_clients() const { return client_filter_->mode() != ClientFilterMode::kOff; }
  KeyRegistry& keys() { return keys_; }
  const KeyRegistry& keys() const { return keys_; }
  ClientFilterHolder& client_filter() { return *client_filter_; }
  const ClientFilterHolder& client_filter() const { return *client_filter_; }
  TransferLedger& ledger() { return ledger_; }

  void CountRefusal(Transport transport, Refusal refusal) {
    refusals_[static_cast<size_t>(transport)][static_cast<size_t>(refusal)].fetch_add(
        1, std::memory_order_relaxed);
  }
  uint64_t refusals(Transport transport, Refusal refusal) const {
    return refusals_[static_cast<size_t>(transport)][static_cast<size_t>(refusal)].load(
        std::memory_order_relaxed);
  }
  // aquatic_refused_requests_total{protocol, reason}, and the key and
  // ledger sizes when keys are on.
  void AddMetrics(PrometheusText* text) const;

 private:
  const bool keys_required_;
  std::unique_ptr<ClientFilterHolder> client_filter_;
  KeyRegistry keys_;
  TransferLedger ledger_;
  std::array<std::array<std::atomic<uint64_t>, kRefusals>, kTransports> refusals_{};
};

// One worker's checks. Not thread-safe.
class AdmissionCheck {
 public:
  // `admission` may be null: everyone is admitted.
  AdmissionCheck(Admission* admission, Transport transport);
  // Records what AccountLater still holds.
  ~AdmissionCheck() { FlushAccounts(); }
  AdmissionCheck(const AdmissionCheck&) = delete;
  AdmissionCheck& operator=(const AdmissionCheck&) = delete;

  // Whether Check can refuse anything; when false, handlers skip it.
  bool active() const { return active_; }
  bool keys_required() const { return keys_required_; }

  // An announce: its key (`key_text`, empty when the request has none) when
  // keys are required, then its client. When admitted with keys required,
  // `*key` holds the key. Refusals are counted.
  Verdict CheckAnnounce(absl::string_view key_text, absl::Span<const uint8_t> peer_id,
                        uint64_t unix_now, TrackerKey* key);
  // A hint that CheckAnnounce follows soon for an announce with this key:
  // starts loading the key's entry into the cache. Does nothing unless keys
  // are required.
  void Prefetch(absl::string_view key_text);
  // A scrape: its key alone (a scrape names no client).
  Verdict CheckScrape(absl::string_view key_text, uint64_t unix_now);
  // A refusal decided by the caller (a UDP scrape, which cannot carry a
  // key), counted like the others.
  Verdict Refuse(Refusal refusal);

  // After an admitted announce with keys required: its transfer delta.
  void Account(const TransferReport& report) {
    if (keys_required_) admission_->ledger().Record(report);
  }
  // As Account, recorded with the others of a batch of requests at the
  // latest when FlushAccounts is called (see TransferLedger::Record of a
  // TransferBatch).
  void AccountLater(const TransferReport& report);
  void FlushAccounts();

 private:
  Verdict CheckKey(absl::string_view key_text, uint64_t unix_now, TrackerKey* key);

  Admission* admission_;
  Transport transport_;
  bool active_ = false;
  bool keys_required_ = false;
  // Null unless in use.
  std::unique_ptr<CachedSnapshot<KeySet>> keys_;
  std::unique_ptr<CachedSnapshot<ClientFilter>> client_filter_;
  // Null unless keys are required on UDP.
  std::unique_ptr<TransferBatch> transfers_;
};

}  // namespace aquatic::admission

#endif  // AQUATIC_TRACKER_ADMISSION_ADMISSION_H_
