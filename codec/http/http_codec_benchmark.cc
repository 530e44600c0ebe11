// Microbenchmarks of the generated HTTP codec: parsing an announce request
// target as libtorrent sends it, and serializing a compact announce response
// with 50 peers (the server's per-request work on the codec side).
//
//   bazel run --config=opt //codec/http:http_codec_benchmark
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "codec/http/http.codec.h"

namespace aquatic::codec::http {
namespace {

constexpr char kLibtorrentAnnounce[] =
    "/announce?info_hash=%124Vx%9a%bc%de%f1%23Eg%89%ab%cd%ef%124Vx%9a"
    "&peer_id=-LT2080-abcdefghijkl&port=6881&uploaded=0&downloaded=0&left=1024"
    "&corrupt=0&key=3F1A2B&event=started&numwant=200&compact=1&no_peer_id=1"
    "&supportcrypto=1&redundant=0";

void BM_HttpAnnounceRequestParse(benchmark::State& state) {
  AnnounceRequest request;
  for (auto _ : state) {
    const bool ok = Parse(kLibtorrentAnnounce, &request).ok();
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(request);
  }
}
BENCHMARK(BM_HttpAnnounceRequestParse);

void BM_HttpAnnounceResponseSerialize(benchmark::State& state) {
  AnnounceResponse response;
  response.complete = 40;
  response.incomplete = 10;
  response.interval = 120;
  response.peers_compact = std::string(static_cast<size_t>(state.range(0)) * 6, 'x');
  std::vector<char> buffer(4096);
  for (auto _ : state) {
    absl::StatusOr<size_t> written = Serialize(response, absl::MakeSpan(buffer));
    benchmark::DoNotOptimize(written);
    benchmark::DoNotOptimize(buffer.data());
  }
}
BENCHMARK(BM_HttpAnnounceResponseSerialize)->Arg(0)->Arg(50);

}  // namespace
}  // namespace aquatic::codec::http

BENCHMARK_MAIN();
