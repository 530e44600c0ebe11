// Microbenchmarks of the generated WebTorrent codec on the largest message a
// tracker handles often: an announce with 10 WebRTC offers (~8 KB of JSON).
//
//   bazel run --config=opt //codec/ws:ws_codec_benchmark
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "benchmark/benchmark.h"
#include "codec/runtime/json.h"
#include "codec/ws/ws.codec.h"

namespace aquatic::codec::ws {
namespace {

std::string OfferJson(int i) {
  return absl::Substitute(
      R"({"type":"offer","sdp":"v=0\r\no=- 461173140043005133$0 2 IN IP4 127.0.0.1\r\ns=-\r\n)"
      R"(t=0 0\r\na=group:BUNDLE 0\r\na=extmap-allow-mixed\r\na=msid-semantic: WMS\r\n)"
      R"(m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n)"
      R"(a=candidate:3372$0 1 udp 2113937151 9b1c6f3e-2d7a-4c1b-9f1e-0c5d$0.local 5431$0 typ host )"
      R"(generation 0 network-cost 999\r\na=ice-ufrag:Vq3$0\r\na=ice-pwd:ZJ0pnb5Ya8iQZ1zJZQmHg8r$0\r\n)"
      R"(a=ice-options:trickle\r\na=fingerprint:sha-256 7D:1E:5B:0C:61:27:4E:E5:3A:5F:6D:8B:C1:A4:)"
      R"(0F:9E:21:93:5C:3B:BE:8D:70:1F:62:AE:13:4C:D5:67:88:9$0\r\na=setup:actpass\r\na=mid:0\r\n)"
      R"(a=sctp-port:5000\r\na=max-message-size:262144\r\n"})",
      i);
}

// As bittorrent-tracker's client writes it: binary ids with raw UTF-8 above
// U+007F and \u escapes for control characters.
std::string AnnounceJson() {
  std::string json =
      "{\"numwant\":10,\"uploaded\":0,\"downloaded\":0,\"left\":1048576,\"event\":\"started\","
      "\"action\":\"announce\",\"info_hash\":\"\\u0000\\u0001\xc3\xbf\xc3\xa9" "abcdefghijklmnop\","
      "\"peer_id\":\"-WW2100-\xc2\x9a\\u0010\xc3\xbe" "30123\xc3\xa9\\u0001\x7f \",\"offers\":[";
  for (int i = 0; i < 10; ++i) {
    absl::StrAppend(&json, i == 0 ? "" : ",", "{\"offer\":", OfferJson(i),
                    ",\"offer_id\":\"\xc3\xbf", i, "abcdefghijklmnopqr\"}");
  }
  return json + "]}";
}

void BM_ParseAnnounceTenOffers(benchmark::State& state) {
  const std::string json = AnnounceJson();
  AnnounceRequest request;
  for (auto _ : state) {
    absl::Status status = Parse(json, &request);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(request);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}
BENCHMARK(BM_ParseAnnounceTenOffers);

// The floor: the JSON scanner alone skipping the same document, so the
// difference to BM_ParseAnnounceTenOffers is what the generated code adds.
void BM_ScanOnlyAnnounceTenOffers(benchmark::State& state) {
  const std::string json = AnnounceJson();
  for (auto _ : state) {
    JsonScanner scanner(json);
    bool ok = scanner.SkipValue();
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}
BENCHMARK(BM_ScanOnlyAnnounceTenOffers);

void BM_SerializeAnnounceTenOffers(benchmark::State& state) {
  const std::string json = AnnounceJson();
  AnnounceRequest request;
  if (!Parse(json, &request).ok()) state.SkipWithError("golden announce does not parse");
  std::string out;
  for (auto _ : state) {
    out.clear();
    absl::Status status = Serialize(request, &out);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_SerializeAnnounceTenOffers);

// What the tracker sends per forwarded offer.
void BM_SerializeOfferMessage(benchmark::State& state) {
  OfferMessage offer;
  offer.info_hash.fill(0xe9);
  offer.peer_id.fill('p');
  offer.offer = OfferJson(3);
  offer.offer_id.fill(0xff);
  std::string out;
  for (auto _ : state) {
    out.clear();
    absl::Status status = Serialize(offer, &out);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_SerializeOfferMessage);

}  // namespace
}  // namespace aquatic::codec::ws

BENCHMARK_MAIN();
