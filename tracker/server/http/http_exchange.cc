#include "tracker/server/http/http_exchange.h"

#include <algorithm>
#include <optional>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/optional.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace aquatic::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

absl::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

// Repeated list-valued headers mean the same as one header with the values
// joined by commas (RFC 9110, 5.3).
void AppendListValue(absl::string_view value, std::string* out) {
  if (!out->empty()) out->append(", ");
  out->append(value.data(), value.size());
}

}  // namespace

class RequestHeadParser::BeastParser : public bhttp::basic_parser<true> {
 public:
  BeastParser(RequestHead* head, absl::string_view forwarded_header, size_t head_limit)
      : head_(head), forwarded_header_(forwarded_header) {
    // RequestHeadParser::Parse enforces the real limit; see there.
    header_limit(static_cast<std::uint32_t>(head_limit + 16));
    // Tracker requests have no body; one is refused.
    body_limit(0);
  }

 private:
  void on_request_impl(bhttp::verb method, beast::string_view, beast::string_view target,
                       int version, beast::error_code&) override {
    switch (method) {
      case bhttp::verb::get:
        head_->method = Method::kGet;
        break;
      case bhttp::verb::head:
        head_->method = Method::kHead;
        break;
      case bhttp::verb::post:
        head_->method = Method::kPost;
        break;
      case bhttp::verb::put:
        head_->method = Method::kPut;
        break;
      case bhttp::verb::delete_:
        head_->method = Method::kDelete;
        break;
      default:
        head_->method = Method::kOther;
    }
    head_->target.assign(target.data(), target.size());
    head_->version = version;
  }
  void on_response_impl(int, beast::string_view, int, beast::error_code& ec) override {
    ec = bhttp::error::bad_method;  // never called for a request parser
  }
  void on_field_impl(bhttp::field name, beast::string_view name_text, beast::string_view value,
                     beast::error_code&) override {
    if (name == bhttp::field::accept_encoding) {
      AppendListValue(View(value), &head_->accept_encoding);
    } else if (name == bhttp::field::authorization) {
      head_->authorization.assign(value.data(), value.size());
    } else if (!forwarded_header_.empty() &&
               absl::EqualsIgnoreCase(View(name_text), forwarded_header_)) {
      if (!head_->forwarded_for) head_->forwarded_for.emplace();
      AppendListValue(View(value), &*head_->forwarded_for);
    }
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         beast::error_code& ec) override {
    if (!content_length || *content_length > 0) ec = bhttp::error::body_limit;
  }
  std::size_t on_body_impl(beast::string_view, beast::error_code& ec) override {
    ec = bhttp::error::body_limit;
    return 0;
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code& ec) override {
    ec = bhttp::error::body_limit;
  }
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view,
                                 beast::error_code& ec) override {
    ec = bhttp::error::body_limit;
    return 0;
  }
  void on_finish_impl(beast::error_code&) override {}

  RequestHead* head_;
  absl::string_view forwarded_header_;
};

struct RequestHeadParser::Slot {
  std::optional<BeastParser> parser;
};

RequestHeadParser::RequestHeadParser(std::string forwarded_header, size_t header_limit)
    : forwarded_header_(std::move(forwarded_header)),
      header_limit_(header_limit),
      slot_(std::make_unique<Slot>()) {
  Reset();
}

RequestHeadParser::~RequestHeadParser() = default;

void RequestHeadParser::Reset() {
  // Keeps the strings' capacity for the connection's next request.
  head_.method = Method::kOther;
  head_.authorization.clear();
  head_.target.clear();
  head_.version = 11;
  head_.keep_alive = false;
  head_.accept_encoding.clear();
  head_.forwarded_for.reset();
  taken_ = 0;
  // Beast's parsers cannot be rewound; building one in place allocates
  // nothing.
  slot_->parser.emplace(&head_, forwarded_header_, header_limit_);
}

RequestHeadParser::Status RequestHeadParser::Parse(absl::string_view buffered, size_t* consumed) {
  *consumed = 0;
  if (buffered.empty()) return Status::kNeedMore;
  // The limit is applied here, exactly: Beast's own check is approximate when
  // a head arrives in pieces (it would accept or refuse a head near the limit
  // depending on how it was split). Beast never sees more than the limit, and
  // its own limit sits above that.
  const absl::string_view window = buffered.substr(0, header_limit_);
  BeastParser& parser = *slot_->parser;
  beast::error_code error;
  // Beast consumes the request line (and whole fields) as it goes, even
  // before the head is complete; the caller keeps every byte until then, so
  // resume after what Beast took already.
  const absl::string_view rest = window.substr(std::min(window.size(), taken_));
  taken_ += parser.put(boost::asio::const_buffer(rest.data(), rest.size()), error);
  if (error == bhttp::error::need_more) {
    return window.size() < header_limit_ ? Status::kNeedMore : Status::kInvalid;
  }
  // Not done after the head means a body follows, which on_body_init_impl
  // already refuses; the check keeps the contract if that ever changes.
  if (error || !parser.is_done()) return Status::kInvalid;
  head_.keep_alive = parser.keep_alive();
  *consumed = taken_;
  return Status::kComplete;
}

void AppendResponse(const ResponseHead& head, absl::string_view body, std::string* out) {
  const beast::string_view reason = bhttp::obsolete_reason(static_cast<bhttp::status>(head.status));
  absl::StrAppend(out, head.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ", head.status, " ",
                  View(reason), "\r\nContent-Type: ", head.content_type, "\r\n");
  if (head.vary_accept_encoding) out->append("Vary: Accept-Encoding\r\n");
  if (head.gzip) out->append("Content-Encoding: gzip\r\n");
  // HTTP/1.1 keeps connections open unless told; HTTP/1.0 closes unless told.
  if (head.version == 10 && head.keep_alive) out->append("Connection: keep-alive\r\n");
  if (head.version != 10 && !head.keep_alive) out->append("Connection: close\r\n");
  absl::StrAppend(out, "Content-Length: ", body.size(), "\r\n\r\n");
  out->append(body.data(), body.size());
}

}  // namespace aquatic::http
