// Fuzz target: BEP 41 options after a UDP announce, as the generated codec
// reads them into AnnounceRequest.url_data.
//
// Input: one datagram. The codec's reading is compared with the BEP 41 rules
// written out again below, plainly, so a wrong reading (not only a crash) is
// found.
//
// Invariants: Parse and ParseRequest agree; an announce parses exactly when
// the rules say so, with their URL data, never more than its capacity; a
// parsed announce serializes to its fixed part and its URL data in options of
// 255 bytes, and parses back to the same struct.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "codec/runtime/big_endian.h"
#include "codec/udp/udp.codec.h"
#include "codec/udp/udp_request.h"
#include "fuzz/fuzz_check.h"

namespace {

using namespace aquatic::codec::udp;  // NOLINT: fuzz target brevity

constexpr size_t kActionOffset = 8;
constexpr size_t kEventOffset = 80;
constexpr size_t kUrlCapacity = decltype(AnnounceRequest::url_data)::kCapacity;

// What BEP 41 (with the schema's choices for truncated options) makes of the
// option bytes after an announce's fixed part.
struct Expected {
  std::string url_data;
  // More URL data than the capacity: the announce is refused.
  bool too_long = false;
};

Expected ReadOptions(const uint8_t* options, size_t size) {
  Expected expected;
  size_t i = 0;
  while (i < size) {
    const uint8_t type = options[i];
    if (type == 0x00) break;  // EndOfOptions: the rest is ignored.
    if (type == 0x01) {       // NOP
      i += 1;
      continue;
    }
    if (size - i < 2) break;  // A type without its length: dropped.
    const size_t length = options[i + 1];
    if (size - i - 2 < length) break;  // Fewer bytes than the length: dropped.
    if (type == 0x02) {
      expected.url_data.append(reinterpret_cast<const char*>(options + i + 2), length);
    }
    i += 2 + length;
  }
  expected.too_long = expected.url_data.size() > kUrlCapacity;
  return expected;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Span<const uint8_t> datagram(data, size);
  AnnounceRequest announce;
  const bool parsed = Parse(datagram, &announce).ok();

  // ParseRequest gives the same answer for what it reads as an announce.
  Request request;
  RequestError error;
  const bool is_announce =
      size >= 16 && aquatic::codec::LoadU32(data + kActionOffset) == AnnounceRequest::kAction;
  if (is_announce) {
    const bool request_parsed = ParseRequest(datagram, &request, &error);
    FUZZ_CHECK(request_parsed == parsed);
    FUZZ_CHECK(request.kind == RequestKind::kAnnounce);
    if (parsed) FUZZ_CHECK(request.announce == announce);
    // A refused announce can be answered: it carries its transaction id.
    if (!parsed) FUZZ_CHECK(error.transaction_id.has_value());
  }

  if (size < AnnounceRequest::kFixedSize || !is_announce) {
    FUZZ_CHECK(!parsed);
    return 0;
  }
  const Expected expected = ReadOptions(data + AnnounceRequest::kFixedSize,
                                        size - AnnounceRequest::kFixedSize);
  FUZZ_CHECK(parsed == !expected.too_long);
  if (!parsed) {
    FUZZ_CHECK(error.error.kind() == aquatic::codec::ParseError::Kind::kTooLong);
    return 0;
  }
  FUZZ_CHECK(announce.url_data.size() <= kUrlCapacity);
  FUZZ_CHECK(announce.url_data.view() == expected.url_data);

  // Serialize: the fixed part as received (unknown events read as "none"),
  // then the URL data in options of at most 255 bytes.
  std::vector<uint8_t> wire_expected(data, data + AnnounceRequest::kFixedSize);
  if (aquatic::codec::LoadU32(wire_expected.data() + kEventOffset) > 3) {
    aquatic::codec::StoreU32(wire_expected.data() + kEventOffset, 0);
  }
  for (size_t at = 0; at < expected.url_data.size(); at += 255) {
    const size_t chunk = std::min<size_t>(255, expected.url_data.size() - at);
    wire_expected.push_back(0x02);
    wire_expected.push_back(static_cast<uint8_t>(chunk));
    wire_expected.insert(wire_expected.end(), expected.url_data.begin() + at,
                         expected.url_data.begin() + at + chunk);
  }
  std::vector<uint8_t> wire(SerializedSize(announce));
  FUZZ_CHECK(wire.size() <= AnnounceRequest::kMaxSize);
  FUZZ_CHECK(wire.size() <= kMaxRequestSize);
  const absl::StatusOr<size_t> written = Serialize(announce, absl::MakeSpan(wire));
  FUZZ_CHECK(written.ok() && *written == wire.size());
  FUZZ_CHECK(wire == wire_expected);

  AnnounceRequest again;
  FUZZ_CHECK(Parse(wire, &again).ok());
  FUZZ_CHECK(again == announce);
  FUZZ_CHECK(again.url_data.view() == announce.url_data.view());
  return 0;
}
