#include "codec/ws/ws_request.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "codec/runtime/json.h"
#include "codec/runtime/json_fields.h"

namespace aquatic::codec::ws {
namespace {

// What a lenient look at the top-level members found.
struct Peek {
  std::optional<std::string> action;  // only "announce" or "scrape"
  std::optional<std::array<uint8_t, 20>> info_hash;
};

// Reads top-level members until it has the action (and, with
// `want_info_hash`, a single info hash) or the text ends or breaks off.
Peek PeekMembers(absl::string_view text, bool want_info_hash) {
  Peek peek;
  JsonScanner json(text);
  if (json.Next() != JsonToken::kBeginObject) return peek;
  absl::string_view key;
  while (NextJsonKey(json, &key)) {
    if (key == "action") {
      if (json.Next() != JsonToken::kString) return peek;
      const absl::string_view action = json.string_value();
      if (action == AnnounceRequest::kAction || action == ScrapeRequest::kAction) {
        peek.action = std::string(action);
      }
    } else if (key == "info_hash" && want_info_hash) {
      std::array<uint8_t, 20> info_hash;
      if (Latin1FromJson(json, json.Next(), absl::MakeSpan(info_hash)).ok()) {
        peek.info_hash = info_hash;
      }
      // Not a single hash (a scrape's array, say): skip the rest of it.
      while (json.depth() > 1) {
        if (json.Next() == JsonToken::kError) return peek;
      }
      if (!json.error().empty()) return peek;
    } else if (!json.SkipValue()) {
      return peek;
    }
    if (peek.action.has_value() && (!want_info_hash || peek.info_hash.has_value())) break;
  }
  return peek;
}

bool Fail(absl::string_view text, absl::Status status, RequestError* error) {
  constexpr size_t kMaxReason = 1024;  // ErrorResponse.failure_reason's limit
  const Peek peek = PeekMembers(text, /*want_info_hash=*/true);
  error->response = ErrorResponse();
  error->response.failure_reason = std::string(status.message().substr(0, kMaxReason));
  error->response.action = peek.action;
  error->response.info_hash = peek.info_hash;
  error->status = std::move(status);
  return false;
}

}  // namespace

bool ParseRequest(absl::string_view text, Request* request, RequestError* error) {
  // Clients put "action" before the offers, so this stops early.
  const Peek peek = PeekMembers(text, /*want_info_hash=*/false);
  if (!peek.action.has_value()) {
    return Fail(text, absl::InvalidArgumentError("expected an object with \"action\" "
                                                 "\"announce\" or \"scrape\""),
                error);
  }
  absl::Status status;
  if (*peek.action == AnnounceRequest::kAction) {
    request->kind = RequestKind::kAnnounce;
    status = Parse(text, &request->announce);
  } else {
    request->kind = RequestKind::kScrape;
    status = Parse(text, &request->scrape);
  }
  return status.ok() || Fail(text, std::move(status), error);
}

}  // namespace aquatic::codec::ws
