// Fuzz target: the JSON scanner WebTorrent messages go through. Invariant: a
// document that scans cleanly, re-written token by token with JsonWriter,
// scans to the same tokens and string values.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "codec/runtime/json.h"
#include "fuzz/fuzz_check.h"

namespace {

using aquatic::codec::JsonScanner;
using aquatic::codec::JsonWriter;
using Token = JsonScanner::Token;

struct Scanned {
  Token token;
  std::string text;  // decoded string or number text
  bool is_key = false;
};

bool ScanAll(absl::string_view text, std::vector<Scanned>* tokens) {
  JsonScanner scanner(text);
  for (size_t steps = 0; steps <= text.size() + 1; ++steps) {
    const Token token = scanner.Next();
    if (token == Token::kError) return false;
    if (token == Token::kEnd) return true;
    Scanned scanned{token, "", scanner.is_key()};
    if (token == Token::kString) scanned.text = std::string(scanner.string_value());
    if (token == Token::kNumber) scanned.text = std::string(scanner.number_text());
    tokens->push_back(std::move(scanned));
  }
  FUZZ_CHECK(false && "scanner did not finish within input length + 2 tokens");
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  {
    // CaptureRawValue on arbitrary input must stay inside it.
    JsonScanner scanner(input);
    absl::string_view raw;
    if (scanner.CaptureRawValue(&raw)) {
      FUZZ_CHECK(raw.data() >= input.data() && raw.data() + raw.size() <= input.data() + size);
    }
  }
  std::vector<Scanned> tokens;
  if (!ScanAll(input, &tokens)) return 0;

  std::string rewritten;
  JsonWriter writer(&rewritten);
  for (const Scanned& t : tokens) {
    switch (t.token) {
      case Token::kBeginObject: writer.BeginObject(); break;
      case Token::kEndObject: writer.EndObject(); break;
      case Token::kBeginArray: writer.BeginArray(); break;
      case Token::kEndArray: writer.EndArray(); break;
      case Token::kString:
        if (t.is_key) {
          writer.Key(t.text);
        } else {
          writer.String(t.text);
        }
        break;
      case Token::kNumber: writer.Raw(t.text); break;
      case Token::kTrue: writer.Bool(true); break;
      case Token::kFalse: writer.Bool(false); break;
      case Token::kNull: writer.Raw("null"); break;
      default: break;
    }
  }
  std::vector<Scanned> again;
  FUZZ_CHECK(ScanAll(rewritten, &again));
  FUZZ_CHECK(again.size() == tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    FUZZ_CHECK(again[i].token == tokens[i].token && again[i].text == tokens[i].text &&
               again[i].is_key == tokens[i].is_key);
  }
  return 0;
}
