#include "tracker/admission/admission.h"

#include <string>

#include "gtest/gtest.h"

namespace aquatic::admission {
namespace {

const TrackerKey kKey = *ParseTrackerKey("YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ");
constexpr char kQbittorrent[] = "-qB4650-aaaaaaaaaaaa";
constexpr char kTransmission[] = "-TR4060-bbbbbbbbbbbb";

absl::Span<const uint8_t> Id(const char* id) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(id), 20);
}

std::unique_ptr<ClientFilterHolder> DenyFilter(absl::string_view contents) {
  return std::make_unique<ClientFilterHolder>(
      ClientFilterMode::kDeny, "unused",
      *ClientFilter::Parse(ClientFilterMode::kDeny, contents, "deny.txt"));
}

TEST(AdmissionTest, NothingOnAdmitsEveryoneAndIsInactive) {
  Admission admission;
  AdmissionCheck check(&admission, Transport::kUdp);
  EXPECT_FALSE(check.active());
  EXPECT_TRUE(check.CheckAnnounce("", Id(kQbittorrent), 0, nullptr).admitted());
  AdmissionCheck without(nullptr, Transport::kUdp);
  EXPECT_FALSE(without.active());
  EXPECT_TRUE(without.CheckScrape("", 0).admitted());
}

TEST(AdmissionTest, KeysRefuseByReasonAndCountEach) {
  Admission admission(true, nullptr, nullptr, nullptr);
  AdmissionCheck check(&admission, Transport::kHttp);
  EXPECT_TRUE(check.active());
  admission.keys().Put(kKey, 1000);

  EXPECT_EQ(check.CheckAnnounce("", Id(kQbittorrent), 10, nullptr).refusal, Refusal::kKeyMissing);
  EXPECT_EQ(check.CheckAnnounce("short", Id(kQbittorrent), 10, nullptr).refusal,
            Refusal::kKeyMissing);
  EXPECT_EQ(check.CheckAnnounce("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", Id(kQbittorrent), 10, nullptr)
                .refusal,
            Refusal::kKeyUnknown);
  EXPECT_EQ(check.CheckAnnounce(kKey.view(), Id(kQbittorrent), 1001, nullptr).refusal,
            Refusal::kKeyExpired);
  TrackerKey admitted{};
  EXPECT_TRUE(check.CheckAnnounce(kKey.view(), Id(kQbittorrent), 1000, &admitted).admitted());
  EXPECT_EQ(admitted, kKey);
  EXPECT_TRUE(check.CheckScrape(kKey.view(), 10).admitted());
  EXPECT_EQ(check.CheckScrape("", 10).refusal, Refusal::kKeyMissing);

  // Revoked while the worker runs: refused at its next request.
  admission.keys().Revoke(kKey);
  EXPECT_EQ(check.CheckAnnounce(kKey.view(), Id(kQbittorrent), 10, nullptr).refusal,
            Refusal::kKeyUnknown);

  EXPECT_EQ(admission.refusals(Transport::kHttp, Refusal::kKeyMissing), 3u);
  EXPECT_EQ(admission.refusals(Transport::kHttp, Refusal::kKeyUnknown), 2u);
  EXPECT_EQ(admission.refusals(Transport::kHttp, Refusal::kKeyExpired), 1u);
  EXPECT_EQ(admission.refusals(Transport::kUdp, Refusal::kKeyMissing), 0u);

  PrometheusText text;
  admission.AddMetrics(&text);
  const std::string rendered = text.Render();
  EXPECT_NE(rendered.find("aquatic_refused_requests_total{protocol=\"http\",reason=\"key_missing\"} 3"),
            std::string::npos)
      << rendered;
}

TEST(AdmissionTest, ClientFilterAppliesWithoutKeysAndNamesTheRule) {
  Admission admission(false, DenyFilter("-TR\n"), nullptr, nullptr);
  AdmissionCheck check(&admission, Transport::kWebTorrent);
  EXPECT_TRUE(check.active());
  EXPECT_FALSE(check.keys_required());
  EXPECT_TRUE(check.CheckAnnounce("", Id(kQbittorrent), 0, nullptr).admitted());
  const Verdict refused = check.CheckAnnounce("", Id(kTransmission), 0, nullptr);
  EXPECT_EQ(refused.refusal, Refusal::kClientRefused);
  EXPECT_EQ(refused.Message(), "client not allowed: peer id prefix \"-TR\" is denied");
  // Scrapes name no client.
  EXPECT_TRUE(check.CheckScrape("", 0).admitted());
  EXPECT_EQ(admission.refusals(Transport::kWebTorrent, Refusal::kClientRefused), 1u);
}

TEST(AdmissionTest, AccountingGoesToTheSinkOnlyWithKeys) {
  int sunk = 0;
  Admission admission(true, nullptr, nullptr,
                      [&](const TrackerKey&, const InfoHash&, const TransferDelta&) { ++sunk; });
  AdmissionCheck check(&admission, Transport::kUdp);
  const InfoHash hash{7};
  check.Account(TransferReport{kKey, hash, Id(kQbittorrent), 10, 0, swarm::PeerEvent::kStarted, 1});
  EXPECT_EQ(sunk, 1);

  Admission open(false, DenyFilter("-TR\n"), nullptr,
                 [&](const TrackerKey&, const InfoHash&, const TransferDelta&) { ++sunk; });
  AdmissionCheck open_check(&open, Transport::kUdp);
  open_check.Account(
      TransferReport{kKey, hash, Id(kQbittorrent), 10, 0, swarm::PeerEvent::kStarted, 1});
  EXPECT_EQ(sunk, 1);
}

}  // namespace
}  // namespace aquatic::admission
