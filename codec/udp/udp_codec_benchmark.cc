// Microbenchmarks of the generated UDP codec, beside a straightforward
// hand-written announce parse kept here as the reference: generation must not
// cost speed (target: generated parse within 1.2x of the hand-written one).
//
//   bazel run --config=opt //codec/udp:udp_codec_benchmark
#include <cstdint>
#include <cstring>
#include <vector>

#include "benchmark/benchmark.h"
#include "codec/udp/udp.codec.h"

namespace aquatic::codec::udp {
namespace {

std::vector<uint8_t> AnnounceBytes() {
  AnnounceRequest request;
  request.connection_id = 0x0123456789abcdef;
  request.transaction_id = 0xdeadbeef;
  for (size_t i = 0; i < 20; ++i) request.info_hash[i] = static_cast<uint8_t>(i);
  request.event = AnnounceEvent::kStarted;
  request.num_want = -1;
  request.port = 6881;
  std::vector<uint8_t> wire(AnnounceRequest::kFixedSize);
  benchmark::DoNotOptimize(Serialize(request, absl::MakeSpan(wire)).ok());
  return wire;
}

// The reference: what one would write by hand for BEP 15's announce.
struct HandAnnounce {
  uint64_t connection_id;
  uint32_t transaction_id;
  uint8_t info_hash[20];
  uint8_t peer_id[20];
  int64_t downloaded, left, uploaded;
  uint32_t event;
  uint32_t ip;
  uint32_t key;
  int32_t num_want;
  uint16_t port;
};

uint64_t Be64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
uint32_t Be32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}

bool HandParseAnnounce(const uint8_t* p, size_t size, HandAnnounce* out) {
  if (size < 98 || Be32(p + 8) != 1) return false;
  out->connection_id = Be64(p);
  out->transaction_id = Be32(p + 12);
  std::memcpy(out->info_hash, p + 16, 20);
  std::memcpy(out->peer_id, p + 36, 20);
  out->downloaded = static_cast<int64_t>(Be64(p + 56));
  out->left = static_cast<int64_t>(Be64(p + 64));
  out->uploaded = static_cast<int64_t>(Be64(p + 72));
  const uint32_t event = Be32(p + 80);
  out->event = event <= 3 ? event : 0;
  out->ip = Be32(p + 84);
  out->key = Be32(p + 88);
  out->num_want = static_cast<int32_t>(Be32(p + 92));
  out->port = static_cast<uint16_t>((p[96] << 8) | p[97]);
  return true;
}

void BM_AnnounceParseGenerated(benchmark::State& state) {
  const std::vector<uint8_t> wire = AnnounceBytes();
  AnnounceRequest request;
  for (auto _ : state) {
    benchmark::DoNotOptimize(wire.data());
    const bool ok = Parse(wire, &request).ok();
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(request);
  }
}
BENCHMARK(BM_AnnounceParseGenerated);

void BM_AnnounceParseHandWritten(benchmark::State& state) {
  const std::vector<uint8_t> wire = AnnounceBytes();
  HandAnnounce request;
  for (auto _ : state) {
    benchmark::DoNotOptimize(wire.data());
    const bool ok = HandParseAnnounce(wire.data(), wire.size(), &request);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(request);
  }
}
BENCHMARK(BM_AnnounceParseHandWritten);

void BM_AnnounceResponseV4Serialize(benchmark::State& state) {
  AnnounceResponseV4 response;
  response.interval = 900;
  for (int i = 0; i < state.range(0); ++i) {
    response.peers.push_back(PeerV4{{127, 0, 0, static_cast<uint8_t>(i)}, 6881});
  }
  std::vector<uint8_t> out(AnnounceResponseV4::kMaxSize);
  for (auto _ : state) {
    absl::StatusOr<size_t> written = Serialize(response, absl::MakeSpan(out));
    benchmark::DoNotOptimize(written);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_AnnounceResponseV4Serialize)->Arg(0)->Arg(50);

}  // namespace
}  // namespace aquatic::codec::udp

BENCHMARK_MAIN();
