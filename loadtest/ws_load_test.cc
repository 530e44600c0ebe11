#include "loadtest/ws_load_test.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "codec/ws/ws.codec.h"
#include "loadtest/config/loopback_address.h"
#include "loadtest/config/ws_loadtest_config.h"
#include "loadtest/load_clock.h"
#include "loadtest/published_counts.h"
#include "loadtest/workload.h"
#include "tracker/server/websocket/frame_limited_stream.h"

namespace aquatic::loadtest {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace wscodec = aquatic::codec::ws;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
// Reads go through the frame guard's layer (see OnHandshake).
using WsStream = websocket::stream<FrameLimitedStream<beast::tcp_stream>>;

// Longest message read; tracker messages are a few KB.
constexpr uint64_t kMaxMessageBytes = 1 << 20;

// Counters of one worker, written by its thread only, read by the main
// thread for progress and the summary.
struct Counters {
  std::atomic<uint64_t> announce_responses{0};
  std::atomic<uint64_t> offers_received{0};
  std::atomic<uint64_t> answers_received{0};
  std::atomic<uint64_t> failure_responses{0};
  std::atomic<uint64_t> connection_errors{0};
  std::atomic<uint64_t> invalid{0};
  std::atomic<uint64_t> timeouts{0};
  std::atomic<uint64_t> announces_sent{0};
  std::atomic<uint64_t> offers_sent{0};
  std::atomic<uint64_t> answers_sent{0};
  std::atomic<uint64_t> dropped_answers{0};
  std::atomic<uint64_t> connections_open{0};
};

void Bump(std::atomic<uint64_t>& counter, uint64_t n = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

struct Snapshot {
  uint64_t announce_responses = 0, offers_received = 0, answers_received = 0,
           failure_responses = 0, connection_errors = 0, invalid = 0, timeouts = 0,
           announces_sent = 0, offers_sent = 0, answers_sent = 0, dropped_answers = 0,
           connections_open = 0;
};

Snapshot Sum(const std::vector<std::unique_ptr<Counters>>& all) {
  Snapshot s;
  for (const auto& c : all) {
    s.announce_responses += c->announce_responses.load(std::memory_order_relaxed);
    s.offers_received += c->offers_received.load(std::memory_order_relaxed);
    s.answers_received += c->answers_received.load(std::memory_order_relaxed);
    s.failure_responses += c->failure_responses.load(std::memory_order_relaxed);
    s.connection_errors += c->connection_errors.load(std::memory_order_relaxed);
    s.invalid += c->invalid.load(std::memory_order_relaxed);
    s.timeouts += c->timeouts.load(std::memory_order_relaxed);
    s.announces_sent += c->announces_sent.load(std::memory_order_relaxed);
    s.offers_sent += c->offers_sent.load(std::memory_order_relaxed);
    s.answers_sent += c->answers_sent.load(std::memory_order_relaxed);
    s.dropped_answers += c->dropped_answers.load(std::memory_order_relaxed);
    s.connections_open += c->connections_open.load(std::memory_order_relaxed);
  }
  return s;
}

// A browser-like SDP ({"type":"offer","sdp":"v=0\r\n..."} as raw JSON text)
// of about `size` bytes.
std::string MakeSdp(absl::string_view type, size_t size, Rng& rng) {
  std::string sdp = absl::StrCat(
      "v=0\\r\\no=- ", rng.Next() >> 2,
      " 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\na=group:BUNDLE 0\\r\\n"
      "a=extmap-allow-mixed\\r\\na=msid-semantic: WMS\\r\\n"
      "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\\r\\nc=IN IP4 0.0.0.0\\r\\n"
      "a=ice-ufrag:",
      rng.Next() % 100000, "\\r\\na=ice-pwd:", rng.Next(), rng.Next(),
      "\\r\\na=ice-options:trickle\\r\\na=fingerprint:sha-256 ");
  for (int i = 0; i < 32; ++i) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    const uint64_t byte = rng.Next();
    sdp.push_back(kHex[byte & 15]);
    sdp.push_back(kHex[(byte >> 4) & 15]);
    if (i != 31) sdp.push_back(':');
  }
  absl::StrAppend(&sdp, "\\r\\na=setup:", type == "offer" ? "actpass" : "active",
                  "\\r\\na=mid:0\\r\\na=sctp-port:5000\\r\\na=max-message-size:262144\\r\\n");
  // Host candidates fill the rest, as browsers gather several.
  while (sdp.size() + 40 < size) {
    absl::StrAppend(&sdp, "a=candidate:", rng.Next() % 4000000000ULL, " 1 udp 2113937151 ",
                    rng.Next() % 1000000, ".local ", 40000 + rng.Next() % 20000,
                    " typ host generation 0\\r\\n");
  }
  return absl::StrCat("{\"type\":\"", type, "\",\"sdp\":\"", sdp, "\"}");
}

struct Settings {
  tcp::endpoint endpoint;
  std::string host;
  std::string target;
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds reconnect_delay{200};
  size_t max_queued = 64;
  uint32_t offers_min = 2;
  uint32_t offers_max = 5;
  size_t sdp_size = 1000;
  double answer_probability = 0.5;
};

class Worker;

class Connection {
 public:
  Connection(Worker& worker, size_t peer) : worker_(worker), peer_(peer) {}

  void Start();
  // Times out a stale announce (called by the worker's tick).
  void Tick(Clock::time_point now);

 private:
  void OnConnected(beast::error_code ec);
  void OnHandshake(beast::error_code ec);
  void Read();
  void OnMessage(absl::string_view text);
  void SendAnnounce();
  void SendAnswer(const wscodec::OfferMessage& offer);
  void Enqueue(std::string message);
  void WriteNext();
  void Fail();

  Worker& worker_;
  size_t peer_;
  std::unique_ptr<WsStream> ws_;
  std::unique_ptr<net::steady_timer> reconnect_timer_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool open_ = false;
  bool in_flight_ = false;
  Clock::time_point sent_at_{};
  // Bumped on every reconnect: completions of an old stream are ignored.
  uint64_t generation_ = 0;
};

class Worker {
 public:
  Worker(const Workload& workload, const Settings& settings, uint64_t stream, Counters& counters)
      : settings_(settings), sampler_(workload, stream), counters_(counters), workload_(workload),
        tick_(io_) {}

  void Run(size_t connections, Clock::time_point end) {
    // Each worker owns a few offer and answer SDPs; offers pick among them.
    for (int i = 0; i < 8; ++i) {
      offer_sdps_.push_back(MakeSdp("offer", settings_.sdp_size, sampler_.rng()));
      answer_sdps_.push_back(MakeSdp("answer", settings_.sdp_size, sampler_.rng()));
    }
    connections_.reserve(connections);
    for (size_t i = 0; i < connections; ++i) {
      connections_.push_back(std::make_unique<Connection>(*this, sampler_.NextPeer()));
    }
    for (auto& c : connections_) c->Start();
    end_ = end;
    ScheduleTick();
    io_.run();
    connections_.clear();
  }

  net::io_context& io() { return io_; }
  const Settings& settings() const { return settings_; }
  WorkloadSampler& sampler() { return sampler_; }
  Counters& counters() { return counters_; }
  const Workload& workload() const { return workload_; }
  const std::string& offer_sdp() { return offer_sdps_[sampler_.rng().Below(offer_sdps_.size())]; }
  const std::string& answer_sdp() {
    return answer_sdps_[sampler_.rng().Below(answer_sdps_.size())];
  }
  bool stopping() const { return stopping_; }

 private:
  void ScheduleTick() {
    tick_.expires_after(std::chrono::milliseconds(100));
    tick_.async_wait([this](beast::error_code ec) {
      if (ec) return;
      const Clock::time_point now = Clock::now();
      if (now >= end_) {
        stopping_ = true;
        io_.stop();
        return;
      }
      for (auto& c : connections_) c->Tick(now);
      ScheduleTick();
    });
  }

  net::io_context io_{1};
  Settings settings_;
  WorkloadSampler sampler_;
  Counters& counters_;
  const Workload& workload_;
  net::steady_timer tick_;
  Clock::time_point end_{};
  bool stopping_ = false;
  std::vector<std::string> offer_sdps_;
  std::vector<std::string> answer_sdps_;
  std::vector<std::unique_ptr<Connection>> connections_;
};

void Connection::Start() {
  ++generation_;
  queue_.clear();
  writing_ = false;
  in_flight_ = false;
  buffer_.consume(buffer_.size());
  ws_ = std::make_unique<WsStream>(worker_.io());
  ws_->auto_fragment(false);
  ws_->read_message_max(kMaxMessageBytes);
  beast::get_lowest_layer(*ws_).expires_after(std::chrono::seconds(10));
  const uint64_t generation = generation_;
  beast::get_lowest_layer(*ws_).async_connect(
      worker_.settings().endpoint, [this, generation](beast::error_code ec) {
        if (generation != generation_) return;
        OnConnected(ec);
      });
}

void Connection::OnConnected(beast::error_code ec) {
  if (ec) return Fail();
  beast::error_code ignored;
  beast::get_lowest_layer(*ws_).socket().set_option(tcp::no_delay(true), ignored);
  const uint64_t generation = generation_;
  ws_->async_handshake(worker_.settings().host, worker_.settings().target,
                       [this, generation](beast::error_code e) {
                         if (generation != generation_) return;
                         OnHandshake(e);
                       });
}

void Connection::OnHandshake(beast::error_code ec) {
  if (ec) return Fail();
  // The WebSocket layer has its own (here: no) timeouts from now on.
  beast::get_lowest_layer(*ws_).expires_never();
  // Text messages reach Beast labelled binary, so it does not check their
  // UTF-8 byte by byte; no limit on frames beyond read_message_max.
  ws_->next_layer().LimitFrames(kMaxMessageBytes);
  open_ = true;
  Bump(worker_.counters().connections_open);
  Read();
  SendAnnounce();
}

void Connection::Read() {
  const uint64_t generation = generation_;
  ws_->async_read(buffer_, [this, generation](beast::error_code ec, size_t) {
    if (generation != generation_) return;
    if (ec) return Fail();
    if (!ws_->next_layer().MessageWasText()) {
      Bump(worker_.counters().invalid);  // the tracker sends text only
    } else {
      const auto data = buffer_.data();
      OnMessage(absl::string_view(static_cast<const char*>(data.data()), data.size()));
    }
    buffer_.consume(buffer_.size());
    Read();
  });
}

void Connection::OnMessage(absl::string_view text) {
  Counters& counters = worker_.counters();
  if (text.find("\"failure reason\"") != absl::string_view::npos) {
    Bump(counters.failure_responses);
    if (in_flight_) {
      in_flight_ = false;
      SendAnnounce();
    }
  } else if (text.find("\"offer\":") != absl::string_view::npos) {
    Bump(counters.offers_received);
    // Only offers to be answered are parsed (for their peer and offer ids):
    // parsing ~1 KB of JSON is a good part of this tool's CPU time.
    if (worker_.sampler().rng().NextDouble() < worker_.settings().answer_probability) {
      wscodec::OfferMessage offer;
      if (!wscodec::Parse(text, &offer).ok()) {
        Bump(counters.invalid);
        return;
      }
      SendAnswer(offer);
    }
  } else if (text.find("\"answer\":") != absl::string_view::npos) {
    Bump(counters.answers_received);
  } else if (text.find("\"interval\":") != absl::string_view::npos) {
    if (!in_flight_) {
      Bump(counters.invalid);
      return;
    }
    Bump(counters.announce_responses);
    in_flight_ = false;
    SendAnnounce();
  } else {
    Bump(counters.invalid);
  }
}

void Connection::SendAnnounce() {
  if (worker_.stopping()) return;
  WorkloadSampler& sampler = worker_.sampler();
  const Workload& workload = worker_.workload();
  const Settings& settings = worker_.settings();
  wscodec::AnnounceRequest request;
  request.info_hash = workload.info_hash(sampler.NextTorrent());
  request.peer_id = workload.peer_id(peer_);
  const uint32_t offers =
      settings.offers_min +
      static_cast<uint32_t>(sampler.rng().Below(settings.offers_max - settings.offers_min + 1));
  request.numwant = offers;
  request.uploaded = 0;
  request.downloaded = 0;
  request.left = sampler.NextIsSeeder() ? 0 : 1000000;
  request.offers.emplace();
  request.offers->resize(offers);
  for (wscodec::Offer& offer : *request.offers) {
    offer.offer = worker_.offer_sdp();
    for (uint8_t& byte : offer.offer_id) byte = static_cast<uint8_t>(sampler.rng().Next());
  }
  std::string json;
  json.reserve(offers * (settings.sdp_size + 100) + 200);
  if (!wscodec::Serialize(request, &json).ok()) {
    Bump(worker_.counters().invalid);
    return;
  }
  in_flight_ = true;
  sent_at_ = Clock::now();
  Bump(worker_.counters().announces_sent);
  Bump(worker_.counters().offers_sent, offers);
  Enqueue(std::move(json));
}

void Connection::SendAnswer(const wscodec::OfferMessage& offer) {
  if (worker_.stopping()) return;
  if (queue_.size() >= worker_.settings().max_queued) {
    Bump(worker_.counters().dropped_answers);
    return;
  }
  wscodec::AnnounceRequest request;
  request.info_hash = offer.info_hash;
  request.peer_id = worker_.workload().peer_id(peer_);
  request.answer = worker_.answer_sdp();
  request.to_peer_id = offer.peer_id;
  request.offer_id = offer.offer_id;
  std::string json;
  if (!wscodec::Serialize(request, &json).ok()) {
    Bump(worker_.counters().invalid);
    return;
  }
  Bump(worker_.counters().answers_sent);
  Enqueue(std::move(json));
}

void Connection::Enqueue(std::string message) {
  queue_.push_back(std::move(message));
  if (!writing_) WriteNext();
}

void Connection::WriteNext() {
  writing_ = true;
  ws_->text(true);
  const uint64_t generation = generation_;
  ws_->async_write(net::buffer(queue_.front()), [this, generation](beast::error_code ec, size_t) {
    if (generation != generation_) return;
    if (ec) return Fail();
    queue_.pop_front();
    if (queue_.empty()) {
      writing_ = false;
    } else {
      WriteNext();
    }
  });
}

void Connection::Tick(Clock::time_point now) {
  if (open_ && in_flight_ && now - sent_at_ > worker_.settings().request_timeout) {
    Bump(worker_.counters().timeouts);
    in_flight_ = false;
    SendAnnounce();
  }
}

void Connection::Fail() {
  if (worker_.stopping()) return;
  Bump(worker_.counters().connection_errors);
  if (open_) {
    open_ = false;
    Counters& counters = worker_.counters();
    counters.connections_open.store(counters.connections_open.load(std::memory_order_relaxed) - 1,
                                    std::memory_order_relaxed);
  }
  ++generation_;
  beast::error_code ignored;
  beast::get_lowest_layer(*ws_).socket().close(ignored);
  // The old stream may still have handlers queued that refer to it: keep it
  // alive until then by handing it to the reconnect timer's handler.
  auto old = std::shared_ptr<WsStream>(std::move(ws_));
  reconnect_timer_ = std::make_unique<net::steady_timer>(worker_.io());
  reconnect_timer_->expires_after(worker_.settings().reconnect_delay);
  reconnect_timer_->async_wait([this, old](beast::error_code ec) {
    if (ec || worker_.stopping()) return;
    Start();
  });
}

}  // namespace

absl::StatusOr<WsLoadTestResult> RunWsLoadTest(const WsLoadTestConfig& config, uint64_t seed,
                                               std::FILE* out) {
  absl::StatusOr<LoopbackAddress> address = ParseLoopbackAddress(config.server_address());
  if (!address.ok()) return address.status();
  absl::StatusOr<Workload> workload = Workload::Create(ToWorkloadOptions(config, seed));
  if (!workload.ok()) return workload.status();

  Settings settings;
  const size_t colon = config.server_address().rfind(':');
  std::string ip = config.server_address().substr(0, colon);
  if (address->ipv6) ip = ip.substr(1, ip.size() - 2);
  beast::error_code ec;
  settings.endpoint = tcp::endpoint(net::ip::make_address(ip, ec),
                                    static_cast<uint16_t>(std::stoi(
                                        config.server_address().substr(colon + 1))));
  if (ec) return absl::InvalidArgumentError(absl::StrCat("server_address: ", ec.message()));
  settings.host = config.server_address();
  settings.target = config.network().target();
  settings.request_timeout = std::chrono::milliseconds(config.network().request_timeout_ms());
  settings.reconnect_delay = std::chrono::milliseconds(config.network().reconnect_delay_ms());
  settings.max_queued = config.network().max_queued_messages();
  settings.offers_min = config.requests().offers_min();
  settings.offers_max = config.requests().offers_max();
  settings.sdp_size = config.requests().sdp_size();
  settings.answer_probability = config.requests().answer_probability_percent() / 100.0;

  const Clock::time_point start = Clock::now();
  const Clock::time_point warm_end = start + std::chrono::seconds(config.warmup());
  const Clock::time_point end = warm_end + std::chrono::seconds(config.duration());

  std::vector<std::unique_ptr<Counters>> counters;
  std::vector<std::thread> threads;
  for (uint32_t w = 0; w < config.workers(); ++w) {
    counters.push_back(std::make_unique<Counters>());
  }
  for (uint32_t w = 0; w < config.workers(); ++w) {
    threads.emplace_back([&, w] {
      Worker worker(*workload, settings, w + 1, *counters[w]);
      worker.Run(config.network().connections_per_worker(), end);
    });
  }

  Snapshot base;
  double cpu_base = ProcessCpuSeconds();
  Clock::time_point window_start = start;
  bool warm = config.warmup() == 0;
  Snapshot previous;
  Clock::time_point next = start + std::chrono::seconds(1);
  Snapshot last;
  double cpu_last = 0;
  Clock::time_point window_end = end;
  while (true) {
    const Clock::time_point now = Clock::now();
    if (!warm && now >= warm_end) {
      base = Sum(counters);
      cpu_base = ProcessCpuSeconds();
      window_start = now;
      warm = true;
    }
    if (now >= end) {
      last = Sum(counters);
      cpu_last = ProcessCpuSeconds();
      window_end = now;
      break;
    }
    Clock::time_point wake = std::min(next, end);
    if (!warm) wake = std::min(wake, warm_end);
    std::this_thread::sleep_until(wake);
    if (Clock::now() >= next) {
      next += std::chrono::seconds(1);
      if (config.progress()) {
        const Snapshot s = Sum(counters);
        std::fprintf(out,
                     "%s announce responses %llu/s  offers %llu/s  answers %llu/s  failures %llu  "
                     "connection errors %llu  open %llu\n",
                     warm ? "load   " : "warm-up",
                     static_cast<unsigned long long>(s.announce_responses -
                                                     previous.announce_responses),
                     static_cast<unsigned long long>(s.offers_received - previous.offers_received),
                     static_cast<unsigned long long>(s.answers_received -
                                                     previous.answers_received),
                     static_cast<unsigned long long>(s.failure_responses),
                     static_cast<unsigned long long>(s.connection_errors),
                     static_cast<unsigned long long>(s.connections_open));
        std::fflush(out);
        previous = s;
      }
    }
  }
  for (std::thread& t : threads) t.join();

  WsLoadTestResult r;
  r.seconds = std::chrono::duration<double>(window_end - window_start).count();
  const Snapshot window = CountsMinus(last, base);
  r.announce_responses = window.announce_responses;
  r.offers_received = window.offers_received;
  r.answers_received = window.answers_received;
  r.failure_responses = window.failure_responses;
  r.connection_errors = window.connection_errors;
  r.invalid = window.invalid;
  r.timeouts = window.timeouts;
  r.announces_sent = window.announces_sent;
  r.offers_sent = window.offers_sent;
  r.answers_sent = window.answers_sent;
  r.dropped_answers = window.dropped_answers;
  // A gauge, not a count: its value at the end.
  r.connections_open = last.connections_open;
  r.cpu_seconds = cpu_last - cpu_base;
  return r;
}

void PrintWsLoadTestSummary(const WsLoadTestConfig& config, uint64_t seed,
                            const WsLoadTestResult& r, std::FILE* out) {
  const double s = r.seconds > 0 ? r.seconds : 1;
  auto rate = [s](uint64_t n) { return static_cast<double>(n) / s; };
  const uint64_t errors = r.failure_responses + r.connection_errors + r.invalid;
  const double cpu_percent = r.seconds > 0 ? 100.0 * r.cpu_seconds / r.seconds : 0.0;
  std::fprintf(out,
               "\nws load test: %s, %u worker(s) x %u connections, %.1f s measured "
               "(+%u s warm-up), seed %llu\n",
               config.server_address().c_str(), config.workers(),
               config.network().connections_per_worker(), r.seconds, config.warmup(),
               static_cast<unsigned long long>(seed));
  std::fprintf(out, "| %-24s | %12s | %12s |\n", "", "total", "per second");
  std::fprintf(out, "|%s|%s|%s|\n", "--------------------------", "--------------",
               "--------------");
  auto row = [&](const char* name, uint64_t n) {
    std::fprintf(out, "| %-24s | %12llu | %12.0f |\n", name, static_cast<unsigned long long>(n),
                 rate(n));
  };
  row("announce responses", r.announce_responses);
  row("offers received", r.offers_received);
  row("answers received", r.answers_received);
  row("announces sent", r.announces_sent);
  row("offers sent", r.offers_sent);
  row("answers sent", r.answers_sent);
  row("answers dropped (queue)", r.dropped_answers);
  row("failure responses", r.failure_responses);
  row("connection errors", r.connection_errors);
  row("invalid messages", r.invalid);
  row("announce timeouts", r.timeouts);
  std::fprintf(out, "connections open at the end: %llu; load tester CPU %.0f%%\n",
               static_cast<unsigned long long>(r.connections_open), cpu_percent);
  std::fprintf(out,
               "RESULT announce_per_s=%.0f offers_per_s=%.0f answers_per_s=%.0f errors=%llu "
               "failures=%llu connection_errors=%llu timeouts=%llu invalid=%llu duration_s=%.2f "
               "announces=%llu connections=%llu cpu_percent=%.0f\n",
               rate(r.announce_responses), rate(r.offers_received), rate(r.answers_received),
               static_cast<unsigned long long>(errors),
               static_cast<unsigned long long>(r.failure_responses),
               static_cast<unsigned long long>(r.connection_errors),
               static_cast<unsigned long long>(r.timeouts),
               static_cast<unsigned long long>(r.invalid), r.seconds,
               static_cast<unsigned long long>(r.announce_responses),
               static_cast<unsigned long long>(r.connections_open), cpu_percent);
  std::fflush(out);
}

}  // namespace aquatic::loadtest
