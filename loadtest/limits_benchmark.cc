// What [limits] max_torrents and max_peers cost the swarm engine per
// announce, without sockets: the same announces (the workload of
// tools/bench/udp.sh: 100,000 torrents of exponential popularity, 100,000
// peers, 75% seeders) through IpTorrentEngine::AnnounceAndSelect with the
// limits off and with the defaults (far above the workload, so nothing is
// refused). The UDP benchmark measures the same difference end to end, where
// the host's noise between runs (about 15%) hides a cost of a few percent;
// here the engine alone runs in turns, one pass of each case per round.
//
//   bazel run --config=opt //loadtest:limits_benchmark --
//     --benchmark_repetitions=9 --benchmark_enable_random_interleaving=true
//     --benchmark_report_aggregates_only=true
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "benchmark/benchmark.h"
#include "loadtest/workload.h"
#include "tracker/swarm/ip_torrents.h"

namespace aquatic::loadtest {
namespace {

using swarm::IpTorrentEngine;
using swarm::PeerAddressV4;

struct NoPeerData {};
using Engine = IpTorrentEngine<NoPeerData>;

constexpr size_t kAnnouncesPerPass = 1 << 20;

struct Announce {
  InfoHash info_hash;
  Engine::Announce<PeerAddressV4> announce;
};

// One pass of announces, drawn once so that both cases see the same ones.
const std::vector<Announce>& Announces() {
  static const std::vector<Announce>* const announces = [] {
    WorkloadOptions options;
    options.number_of_torrents = 100000;
    options.number_of_peers = 100000;
    absl::StatusOr<Workload> workload = Workload::Create(options);
    auto* drawn = new std::vector<Announce>();
    WorkloadSampler sampler(*workload, 1);
    drawn->reserve(kAnnouncesPerPass);
    for (size_t i = 0; i < kAnnouncesPerPass; ++i) {
      Announce& one = drawn->emplace_back();
      one.info_hash = workload->info_hash(sampler.NextTorrent());
      const size_t peer = sampler.NextPeer();
      one.announce.key = PeerAddressV4{{127, 0, static_cast<uint8_t>(peer >> 8),
                                        static_cast<uint8_t>(peer)},
                                       Workload::PeerPort(peer)};
      one.announce.seeder = sampler.NextIsSeeder();
      one.announce.now = 1;
    }
    return drawn;
  }();
  return *announces;
}

// state.range(0): 0 = limits off, 1 = the defaults of [limits].
void BM_AnnouncePass(benchmark::State& state) {
  const std::vector<Announce>& announces = Announces();
  size_t answered = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto engine = std::make_unique<Engine>(swarm::ShardCountFor(1));
    if (state.range(0) == 1) engine->set_limits(4000000, 20000000);
    state.ResumeTiming();
    for (const Announce& one : announces) {
      answered += engine->AnnounceAndSelect<PeerAddressV4>(one.info_hash, one.announce, 30, 7,
                                                           [](const auto& peer) {
                                                             benchmark::DoNotOptimize(peer);
                                                           })
                      .has_value();
    }
    state.PauseTiming();
    engine.reset();
    state.ResumeTiming();
  }
  benchmark::DoNotOptimize(answered);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * announces.size()));
  state.SetLabel(state.range(0) == 1 ? "limits on (defaults)" : "limits off");
}
BENCHMARK(BM_AnnouncePass)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace aquatic::loadtest

BENCHMARK_MAIN();
