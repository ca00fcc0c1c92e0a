// Hostile clients against the real binary: oversized bodies and headers, deep JSON, invalid
// UTF-8, slow-loris headers and bodies, thousands of idle connections, the connection limit,
// malformed multipart, forged cursors, huge limits, wrong content types, TLS protocol and cipher
// downgrades, and password guessing. Each attack gets a clear error or a timeout, and while it
// runs a well-behaved client (the Prober) keeps getting answers at normal latency.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "lrsd/base.h"
#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

double MillisSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// ---- Raw sockets ------------------------------------------------------------------------------
int PortOf(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

// A blocking TCP connection to 127.0.0.1:port, from `bind_ip` when given; -1 on failure.
int Connect(int port, const char* bind_ip = nullptr) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (bind_ip) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, bind_ip, &local.sin_addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      close(fd);
      return -1;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Reads until the peer closes (EOF or reset) or `timeout_ms` passes. `closed` tells which.
std::string ReadUntilClosed(int fd, int timeout_ms, bool* closed = nullptr) {
  std::string out;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  if (closed) *closed = false;
  while (true) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (left <= 0) return out;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, left) <= 0) continue;
    char buf[16384];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      if (closed) *closed = true;
      return out;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
}

struct Http {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  bool closed = false;
};

Http ParseHttp(const std::string& raw) {
  Http h;
  if (raw.rfind("HTTP/1.1 ", 0) == 0) h.status = std::atoi(raw.c_str() + 9);
  std::size_t end = raw.find("\r\n\r\n");
  std::size_t line = raw.find("\r\n");
  while (line != std::string::npos && line < end) {
    std::size_t next = raw.find("\r\n", line + 2);
    std::string field = raw.substr(line + 2, next - line - 2);
    std::size_t colon = field.find(':');
    if (colon != std::string::npos) {
      std::string name = ToLowerAscii(field.substr(0, colon));
      std::size_t v = field.find_first_not_of(' ', colon + 1);
      h.headers[name] = v == std::string::npos ? "" : field.substr(v);
    }
    line = next;
  }
  if (end != std::string::npos) h.body = raw.substr(end + 4);
  return h;
}

// One request on a fresh connection (send it with Connection: close), optionally from another
// loopback address.
Http Exchange(int port, const std::string& request, const char* bind_ip = nullptr, int timeout_ms = 5000) {
  int fd = Connect(port, bind_ip);
  if (fd < 0) return {};
  SendAll(fd, request);
  bool closed = false;
  Http h = ParseHttp(ReadUntilClosed(fd, timeout_ms, &closed));
  h.closed = closed;
  close(fd);
  return h;
}

std::string BasicAuth(const std::string& key, const std::string& secret) {
  return "Basic " + Base64Encode(key + ":" + secret);
}

// Well-formed UTF-8 (lead and continuation bytes), for checking what the server sends back.
bool IsUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (c >= 0x80) {
      if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
      } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
      } else {
        return false;
      }
      if (i + n >= s.size()) return false;
      for (std::size_t k = 1; k <= n; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
      }
    }
    i += n + 1;
  }
  return true;
}

void RaiseOwnFileLimit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

std::size_t OpenDescriptors(int pid) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// ---- The well-behaved client ------------------------------------------------------------------
// Every 50 ms: GET /xapi/about and POST a statement on a kept-alive connection (credential
// verified beforehand, as any long-running client's is), recording the slowest of each.
class Prober {
 public:
  explicit Prober(const Server& server, const std::string& base = "")
      : client_(base.empty() ? server.http_url() : base, server.key(), server.secret()) {
    // Warm up: the credential's first verification (the slow hash) is not what we measure.
    EXPECT_EQ(client_.Get("/xapi/about").status, 200);
    EXPECT_EQ(client_.PostJson("/xapi/statements", SampleStatement()).status, 200);
    thread_ = std::thread([this] { Loop(); });
  }
  ~Prober() { Stop(); }

  void Stop() {
    if (!thread_.joinable()) return;
    stop_ = true;
    thread_.join();
  }
  // Stops, then asserts every probe succeeded within `limit_ms` (and that there were some). The
  // bound is loose on purpose: the test command runs two test binaries at once on 2 cores, also
  // under ASan, and an unresponsive server shows up as seconds (a timeout), not as hundreds of ms.
  void ExpectResponsive(double limit_ms = 2000) {
    Stop();
    std::lock_guard lock(mu_);
    EXPECT_GE(rounds_, 1) << "the prober never ran";
    EXPECT_EQ(failures_, 0) << "well-behaved requests failed during the attack: " << last_failure_;
    EXPECT_LT(max_about_ms_, limit_ms) << "GET /xapi/about took too long during the attack";
    EXPECT_LT(max_post_ms_, limit_ms) << "POST /xapi/statements took too long during the attack";
    std::printf("    [prober] %d rounds, slowest GET /xapi/about %.1f ms, slowest POST statement %.1f ms\n", rounds_,
                max_about_ms_, max_post_ms_);
  }

 private:
  void Loop() {
    while (!stop_) {
      try {
        auto t0 = Clock::now();
        auto about = client_.Get("/xapi/about");
        double about_ms = MillisSince(t0);
        t0 = Clock::now();
        auto post = client_.PostJson("/xapi/statements", SampleStatement());
        double post_ms = MillisSince(t0);
        std::lock_guard lock(mu_);
        ++rounds_;
        max_about_ms_ = std::max(max_about_ms_, about_ms);
        max_post_ms_ = std::max(max_post_ms_, post_ms);
        if (about.status != 200 || post.status != 200) {
          ++failures_;
          last_failure_ = std::to_string(about.status) + "/" + std::to_string(post.status) + " " + post.body;
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(mu_);
        ++failures_;
        last_failure_ = e.what();
      }
      std::this_thread::sleep_for(50ms);
    }
  }

  Client client_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  int rounds_ = 0, failures_ = 0;
  double max_about_ms_ = 0, max_post_ms_ = 0;
  std::string last_failure_;
};

// ---- 1. Oversized bodies and headers ----------------------------------------------------------
TEST(Hostile, OversizedBodiesAndHeadersUnderAttack) {
  ServerOptions options;
  options.extra_args = {"--max-body", "100000"};
  auto server = Server::Start(options);
  const int port = PortOf(server->http_url());
  Prober prober(*server);
  std::atomic<int> status413{0}, status431{0}, other{0};
  std::vector<std::thread> attackers;
  for (int t = 0; t < 4; ++t) {
    attackers.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        std::string request;
        switch ((i + t) % 3) {
          case 0:  // declares 10 MB, sends 200 KB of it
            request = "POST /xapi/statements HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Content-Length: 10000000\r\nConnection: close\r\n\r\n" +
                      std::string(200000, '[');
            break;
          case 1:  // chunked, no length announced: the limit applies as the body arrives
            request = "POST /xapi/statements HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            for (int c = 0; c < 30; ++c) request += "2710\r\n" + std::string(10000, ' ') + "\r\n";
            break;
          default:  // 40 KB of headers against a 16 KB limit
            request = "GET /xapi/about HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(40000, 'a') + "\r\n\r\n";
        }
        int fd = Connect(port);
        if (fd < 0) {
          ++other;
          continue;
        }
        SendAll(fd, request);  // may fail half way: the server answered and closed
        Http h = ParseHttp(ReadUntilClosed(fd, 5000));
        close(fd);
        if (h.status == 413) {
          ++status413;
        } else if (h.status == 431) {
          ++status431;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& a : attackers) a.join();
  prober.ExpectResponsive();
  std::printf("    400 oversized requests (declared 10 MB, chunked 300 KB, 40 KB headers): %d x 413, %d x 431, %d other\n",
              status413.load(), status431.load(), other.load());
  EXPECT_EQ(status413 + status431, 400);
  EXPECT_GT(status431.load(), 0);
}

// ---- 2. Deep JSON nesting ---------------------------------------------------------------------
TEST(Hostile, DeepJsonIsRefusedEverywhere) {
  auto server = Server::Start();
  Client c(server->http_url(), server->key(), server->secret(), "2.0.0");
  Prober prober(*server);
  const std::string deep_array = std::string(100000, '[') + std::string(100000, ']');
  std::string deep_object;
  for (int i = 0; i < 100000; ++i) deep_object += R"({"a":)";
  deep_object += "1" + std::string(100000, '}');
  const std::string agent = UrlEncode(R"({"mbox":"mailto:deep@example.com"})");
  const std::string activity = UrlEncode("http://example.com/deep");
  ASSERT_EQ(c.PutJson("/admin/people", R"([{"id":"deep1","name":"Deep","ifis":[{"mbox":"mailto:deep@example.com"}]}])")
                .status,
            200);
  struct Target {
    std::string method, path;
  };
  const std::vector<Target> targets = {
      {"POST", "/xapi/statements"},
      {"PUT", "/xapi/statements?statementId=" + NewUuidString()},
      {"POST", "/xapi/activities/state?activityId=" + activity + "&agent=" + agent + "&stateId=s"},
      {"POST", "/xapi/activities/profile?activityId=" + activity + "&profileId=p"},
      {"POST", "/xapi/agents/profile?agent=" + agent + "&profileId=p"},
      {"PUT", "/admin/rules"},
      {"PUT", "/admin/framework"},
      {"PUT", "/admin/goals"},
      {"PUT", "/admin/costs"},
      {"PUT", "/admin/kpis"},
      {"PUT", "/admin/kpis/unit-a"},
      {"PUT", "/admin/people"},
      {"POST", "/admin/people"},
      {"PUT", "/admin/plans/deep1"},
  };
  int refused = 0;
  for (const auto& t : targets) {
    for (const std::string* body : std::vector<const std::string*>{&deep_array, &deep_object}) {
      auto r = c.Request(t.method, t.path, *body, {{"Content-Type", "application/json"}});
      EXPECT_EQ(r.status, 400) << t.method << " " << t.path << ": " << r.body.substr(0, 200);
      refused += r.status == 400;
    }
  }
  std::printf("    %d deep documents (100,000 levels, %zu and %zu bytes) refused with 400 on %zu resources\n", refused,
              deep_array.size(), deep_object.size(), targets.size());
  // A statement nested just past the limit, and one within it.
  std::string ext = "1";
  for (int i = 0; i < 70; ++i) ext = "[" + ext + "]";
  std::string statement = SampleStatement();
  statement.insert(statement.size() - 1, R"(,"result":{"extensions":{"http://example.com/x":)" + ext + "}}");
  EXPECT_EQ(c.PostJson("/xapi/statements", statement).status, 400);
  prober.ExpectResponsive();
}

// ---- 3. Invalid UTF-8 -------------------------------------------------------------------------
TEST(Hostile, InvalidUtf8IsRefusedInBodiesAndParameters) {
  auto server = Server::Start();
  Client c(server->http_url(), server->key(), server->secret(), "2.0.0");
  const int port = PortOf(server->http_url());
  const std::string base = SampleStatement();
  // In statement strings: a stray byte, an overlong '/', a surrogate (raw and escaped), a
  // truncated sequence.
  for (std::string bad : {std::string("\xff"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
                          std::string("\\ud800"), std::string("\xe2\x82")}) {
    std::string statement = base;
    statement.replace(statement.find("Learner"), 7, "Lea" + bad + "rner");
    auto r = c.PostJson("/xapi/statements", statement);
    EXPECT_EQ(r.status, 400) << HexEncode(bad) << ": " << r.body;
    EXPECT_TRUE(IsUtf8(r.body));
  }
  // In query parameters of every kind of resource.
  const std::string agent = UrlEncode(R"({"mbox":"mailto:u@example.com"})");
  const std::string activity = UrlEncode("http://example.com/utf8");
  for (const std::string& target : std::vector<std::string>{
           "/xapi/statements?activity=http%3A%2F%2Fexample.com%2F%FF",
           "/xapi/statements?verb=http%3A%2F%2Fexample.com%2F%C0%AF",
           "/xapi/statements?agent=%7B%22mbox%22%3A%22mailto%3Au%40example.com%22%2C%22name%22%3A%22%FF%22%7D",
           "/xapi/activities/state?activityId=" + activity + "&agent=" + agent + "&stateId=%ED%A0%80",
           "/xapi/activities/profile?activityId=" + activity + "&profileId=%E2%82",
           "/xapi/agents/profile?agent=" + agent + "&profileId=%FE",
           "/xapi/activities?activityId=http%3A%2F%2Fexample.com%2F%FF",
           "/xapi/agents?agent=%7B%22mbox%22%3A%22mailto%3A%FF%40example.com%22%7D",
           "/learning/scorecard?unit=%FF",
           "/xapi/statements?%FF=1",
       }) {
    auto r = c.Get(target);
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
    EXPECT_TRUE(IsUtf8(r.body)) << target;
  }
  // A document PUT with such a name is refused too (it would be listed back as JSON).
  EXPECT_EQ(c.Request("PUT", "/xapi/activities/state?activityId=" + activity + "&agent=" + agent + "&stateId=%FF",
                      "x", {{"Content-Type", "text/plain"}})
                .status,
            400);
  // A JSON document posted for merging, and lrsd's own documents.
  EXPECT_EQ(c.Request("POST", "/xapi/activities/state?activityId=" + activity + "&agent=" + agent + "&stateId=s",
                      "{\"a\":\"\xff\"}", {{"Content-Type", "application/json"}})
                .status,
            400);
  EXPECT_EQ(c.PutJson("/admin/rules", "{\"rules\":[{\"id\":\"\xc3\"}]}").status, 400);
  // Raw bytes in the path: not found, answered in valid UTF-8.
  Http raw = Exchange(port, "GET /xapi/nope\xff\xfe HTTP/1.1\r\nHost: x\r\nAuthorization: " +
                                BasicAuth(server->key(), server->secret()) + "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(raw.status, 404);
  EXPECT_TRUE(IsUtf8(raw.body)) << raw.body;
  // Still serving.
  EXPECT_EQ(c.PostJson("/xapi/statements", base).status, 200);
}

// ---- 4. Slow loris ----------------------------------------------------------------------------
// Connections that trickle one byte per second. Each is timed from its first byte to the moment
// the server closes it.
struct Trickler {
  int fd = -1;
  std::string payload;  // sent one byte per second after `preamble`
  std::size_t sent = 0;
  Clock::time_point start;
  double closed_after_ms = -1;
};

void RunTricklers(std::vector<Trickler>& ts, std::chrono::milliseconds max_duration) {
  const auto deadline = Clock::now() + max_duration;
  auto next_byte = Clock::now();
  while (Clock::now() < deadline) {
    bool any_open = false;
    const bool send_now = Clock::now() >= next_byte;
    if (send_now) next_byte += 1s;
    std::vector<pollfd> fds;
    std::vector<Trickler*> who;
    for (auto& t : ts) {
      if (t.closed_after_ms >= 0) continue;
      any_open = true;
      if (send_now && t.sent < t.payload.size()) {
        if (send(t.fd, t.payload.data() + t.sent, 1, MSG_NOSIGNAL) == 1) {
          ++t.sent;
        } else {
          t.closed_after_ms = MillisSince(t.start);
          continue;
        }
      }
      fds.push_back({t.fd, POLLIN, 0});
      who.push_back(&t);
    }
    if (!any_open) return;
    if (poll(fds.data(), fds.size(), 20) > 0) {
      for (std::size_t i = 0; i < fds.size(); ++i) {
        if (!fds[i].revents) continue;
        char buf[4096];
        ssize_t n = recv(fds[i].fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN)) who[i]->closed_after_ms = MillisSince(who[i]->start);
      }
    }
  }
}

TEST(Hostile, SlowLorisHeadersAndBodiesAreCutOffByTheirTimeouts) {
  // Generous idle timeout: what cuts the tricklers must be the header and body timeouts.
  ServerOptions options;
  options.extra_args = {"--header-timeout", "2", "--read-timeout", "2", "--idle-timeout", "30"};
  auto server = Server::Start(options);
  const int port = PortOf(server->http_url());
  Prober prober(*server);
  std::vector<Trickler> ts;
  for (int i = 0; i < 100; ++i) {
    Trickler t;
    t.fd = Connect(port);
    ASSERT_GE(t.fd, 0);
    t.start = Clock::now();
    if (i % 2 == 0) {
      // Headers, one byte per second, never finished.
      t.payload = "POST /xapi/statements HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(100, 'a');
    } else {
      // Headers at once, then a 1000-byte body one byte per second.
      ASSERT_TRUE(SendAll(t.fd, "POST /xapi/statements HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                "Content-Length: 1000\r\n\r\n"));
      t.payload = std::string(1000, ' ');
    }
    ts.push_back(std::move(t));
  }
  RunTricklers(ts, 8s);
  int header_cut = 0, body_cut = 0;
  double slowest = 0, fastest = 1e9;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const auto& t = ts[i];
    EXPECT_GE(t.closed_after_ms, 1500) << "connection " << i << " cut before its timeout";
    EXPECT_LE(t.closed_after_ms, 4500) << "connection " << i << " survived its timeout";
    if (t.closed_after_ms >= 1500 && t.closed_after_ms <= 4500) (i % 2 == 0 ? header_cut : body_cut)++;
    slowest = std::max(slowest, t.closed_after_ms);
    fastest = std::min(fastest, t.closed_after_ms);
    close(t.fd);
  }
  std::printf("    100 slow connections (50 trickling headers, 50 trickling bodies, 1 byte/s): %d + %d cut after "
              "%.0f-%.0f ms (header/read timeout 2 s, idle timeout 30 s)\n",
              header_cut, body_cut, fastest, slowest);
  EXPECT_EQ(header_cut, 50);
  EXPECT_EQ(body_cut, 50);
  prober.ExpectResponsive();
}

TEST(Hostile, SilentAndSlowTlsHandshakesAreCutOff) {
  ServerOptions options;
  options.http = true;
  options.https = true;
  options.extra_args = {"--header-timeout", "2", "--idle-timeout", "30"};
  auto server = Server::Start(options);
  const int port = PortOf(server->https_url());
  Prober prober(*server, server->https_url());
  // 50 connections that never start the handshake, 50 that send half a ClientHello record.
  std::vector<Trickler> ts;
  for (int i = 0; i < 100; ++i) {
    Trickler t;
    t.fd = Connect(port);
    ASSERT_GE(t.fd, 0);
    t.start = Clock::now();
    if (i % 2) t.payload = std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
    ts.push_back(std::move(t));
  }
  RunTricklers(ts, 8s);
  int cut = 0;
  for (const auto& t : ts) {
    cut += t.closed_after_ms >= 1500 && t.closed_after_ms <= 4500;
    close(t.fd);
  }
  std::printf("    100 stalled TLS handshakes: %d cut after the 2 s header timeout\n", cut);
  EXPECT_EQ(cut, 100);
  prober.ExpectResponsive();
}

// ---- 5. Thousands of idle connections, and the connection limit ---------------------------------
TEST(Hostile, TwoThousandIdleConnectionsDoNotStopTheServer) {
  RaiseOwnFileLimit();
  ServerOptions options;
  options.extra_args = {"--idle-timeout", "3", "--max-connections", "5000"};
  auto server = Server::Start(options);
  const int port = PortOf(server->http_url());
  Prober prober(*server);
  std::vector<int> fds;
  const auto opened = Clock::now();
  for (int i = 0; i < 2000; ++i) {
    int fd = Connect(port);
    ASSERT_GE(fd, 0) << "connection " << i;
    fds.push_back(fd);
  }
  const double open_ms = MillisSince(opened);
  std::this_thread::sleep_for(1s);  // the prober works among them
  prober.ExpectResponsive();
  const std::size_t server_fds = OpenDescriptors(server->pid());
  EXPECT_GE(server_fds, 2000u);
  // The server closes each once its idle timeout (3 s) has passed.
  std::vector<pollfd> polls;
  for (int fd : fds) polls.push_back({fd, POLLIN, 0});
  std::size_t closed = 0;
  double first_close = -1, last_close = 0;
  const auto deadline = Clock::now() + 8s;
  while (closed < polls.size() && Clock::now() < deadline) {
    if (poll(polls.data(), polls.size(), 100) <= 0) continue;
    for (auto& p : polls) {
      if (p.fd < 0 || !p.revents) continue;
      char b;
      if (recv(p.fd, &b, 1, MSG_DONTWAIT) <= 0) {
        ++closed;
        double at = MillisSince(opened);
        if (first_close < 0) first_close = at;
        last_close = at;
        close(p.fd);
        p.fd = -1;
      }
    }
  }
  std::printf("    2000 idle connections opened in %.0f ms (lrsd held %zu descriptors); all %zu closed by the "
              "server between %.0f and %.0f ms (idle timeout 3 s)\n",
              open_ms, server_fds, closed, first_close, last_close);
  EXPECT_EQ(closed, 2000u);
  EXPECT_GE(first_close, 2500);
  for (auto& p : polls) {
    if (p.fd >= 0) close(p.fd);
  }
  Client after(server->http_url(), server->key(), server->secret());
  EXPECT_EQ(after.Get("/xapi/about").status, 200);
  EXPECT_EQ(server->Stderr().find("cannot accept"), std::string::npos) << server->Stderr();
}

TEST(Hostile, ConnectionsBeyondTheLimitAreClosedAtOnce) {
  RaiseOwnFileLimit();
  ServerOptions options;
  options.extra_args = {"--idle-timeout", "3", "--max-connections", "200"};
  auto server = Server::Start(options);
  const int port = PortOf(server->http_url());
  {
    Client warm(server->http_url(), server->key(), server->secret());
    ASSERT_EQ(warm.Get("/xapi/about").status, 200);
  }
  std::this_thread::sleep_for(100ms);
  const std::size_t baseline_fds = OpenDescriptors(server->pid());
  std::vector<int> fds;
  for (int i = 0; i < 300; ++i) {
    int fd = Connect(port);
    ASSERT_GE(fd, 0);
    fds.push_back(fd);
  }
  std::this_thread::sleep_for(500ms);
  int closed_at_once = 0;
  for (int fd : fds) {
    pollfd p{fd, POLLIN, 0};
    char b;
    if (poll(&p, 1, 0) > 0 && recv(fd, &b, 1, MSG_DONTWAIT) <= 0) ++closed_at_once;
  }
  const std::size_t fds_at_limit = OpenDescriptors(server->pid());
  // A newcomer while full: closed at once too, not left hanging.
  int late = Connect(port);
  ASSERT_GE(late, 0);
  SendAll(late, "GET /xapi/about HTTP/1.1\r\nHost: x\r\n\r\n");
  auto t0 = Clock::now();
  bool late_closed = false;
  std::string late_reply = ReadUntilClosed(late, 2000, &late_closed);
  const double late_ms = MillisSince(t0);
  close(late);
  std::printf("    300 connections against --max-connections 200: %d closed at once; lrsd descriptors %zu -> %zu; "
              "a newcomer closed after %.1f ms\n",
              closed_at_once, baseline_fds, fds_at_limit, late_ms);
  EXPECT_EQ(closed_at_once, 100);
  EXPECT_LE(fds_at_limit, baseline_fds + 200 + 5);
  EXPECT_TRUE(late_closed);
  EXPECT_TRUE(late_reply.empty());
  EXPECT_LT(late_ms, 1500);  // closed at once, not after a timeout (loaded machines included)
  for (int fd : fds) close(fd);
  // Once the crowd is gone the server serves again.
  std::this_thread::sleep_for(300ms);
  Client after(server->http_url(), server->key(), server->secret());
  EXPECT_EQ(after.Get("/xapi/about").status, 200);
}

// ---- 6. Multipart, cursors, limits, content types -----------------------------------------------
TEST(Hostile, MalformedMultipartForgedCursorsHugeLimitsWrongContentTypes) {
  ServerOptions options;
  options.extra_args = {"--page-size", "3"};
  auto server = Server::Start(options);
  Client c(server->http_url(), server->key(), server->secret(), "1.0.3");
  Prober prober(*server);
  const std::string st = SampleStatement();
  int refused = 0, tried = 0;
  auto expect400 = [&](const Response& r, const std::string& what) {
    ++tried;
    EXPECT_EQ(r.status, 400) << what << ": " << r.body.substr(0, 300);
    refused += r.status == 400;
  };
  // Multipart bodies with broken framing.
  const std::string part = "Content-Type: application/json\r\n\r\n" + st + "\r\n";
  const std::vector<std::pair<std::string, std::string>> multiparts = {
      {"multipart/mixed", "--x\r\n" + part + "--x--\r\n"},                                // no boundary
      {"multipart/mixed; boundary=", "--\r\n" + part + "----\r\n"},                       // empty boundary
      {"multipart/mixed; boundary=abc", st},                                              // not in the body
      {"multipart/mixed; boundary=abc", "--abc\r\n" + part},                             // never closed
      {"multipart/mixed; boundary=abc", "--abc\r\nContent-Type: application/json\r\n" + std::string(50000, 'x')},
      {"multipart/mixed; boundary=abc", "--abd\r\n" + part + "--abd--\r\n"},              // another boundary
      {"multipart/mixed; boundary=abc", "--abc\r\n\r\n" + st + "\r\n--abc--\r\n"},       // first part untyped
      {"multipart/mixed; boundary=abc",                                                   // 20,000 empty parts
       "--abc\r\n" + part + [] {
         std::string s;
         for (int i = 0; i < 20000; ++i) s += "--abc\r\n\r\n\r\n";
         return s;
       }() + "--abc--\r\n"},
  };
  for (const auto& [type, body] : multiparts) {
    expect400(c.Request("POST", "/xapi/statements", body, {{"Content-Type", type}}), "multipart " + type);
  }

  // Forged `more` cursors: random base64, truncations and extensions of a real one.
  for (int i = 0; i < 6; ++i) ASSERT_EQ(c.PostJson("/xapi/statements", st).status, 200);
  auto first = c.Get("/xapi/statements?limit=2");
  ASSERT_EQ(first.status, 200);
  std::string more = first.Json()["more"].GetString();
  ASSERT_FALSE(more.empty());
  const std::string token = more.substr(more.find("more=") + 5);
  std::mt19937 rng(42);
  for (int i = 0; i < 50; ++i) {
    std::string bytes(rng() % 200, '\0');
    for (char& ch : bytes) ch = static_cast<char>(rng());
    expect400(c.Get("/xapi/statements?more=" + UrlEncode(Base64Encode(bytes))), "random cursor");
  }
  for (std::size_t n = 0; n + 1 < token.size(); n += 3) {
    auto r = c.Get("/xapi/statements?more=" + token.substr(0, n));
    ++tried;
    EXPECT_EQ(r.status, 400) << "truncated cursor " << n;
    refused += r.status == 400;
  }
  for (const std::string& forged : std::vector<std::string>{token + "AAAA", token + "%FF", "%00", "!!!!", std::string(8000, 'A'), token + "&limit=5"}) {
    expect400(c.Get("/xapi/statements?more=" + forged), "cursor " + forged.substr(0, 40));
  }
  EXPECT_EQ(c.Get(more).status, 200) << "the genuine cursor still works";

  // Huge and malformed limits: 400, never a huge allocation; large valid ones are clamped.
  for (std::string limit : {"1000000000000", "18446744073709551616", "18446744073709551615", "4294967296", "-1",
                            "1e3", "0x10", "1.5", "", "99999999999999999999999999999999999999"}) {
    expect400(c.Get("/xapi/statements?limit=" + limit), "limit=" + limit);
  }
  for (std::string limit : {"999999999", "4294967", "0"}) {
    auto r = c.Get("/xapi/statements?limit=" + limit);
    ASSERT_EQ(r.status, 200) << limit;
    EXPECT_LE(r.Json()["statements"].Size(), 3u) << "limit=" << limit << " is clamped to the page size";
  }

  // Wrong content types on every resource that takes a body.
  const std::string agent = UrlEncode(R"({"mbox":"mailto:ct@example.com"})");
  const std::string activity = UrlEncode("http://example.com/ct");
  for (std::string type : {"text/plain", "application/xml", "multipart/form-data; boundary=x", "image/png",
                           "application/x-www-form-urlencoded"}) {
    expect400(c.Request("POST", "/xapi/statements", st, {{"Content-Type", type}}), "POST statements " + type);
    expect400(c.Request("PUT", "/xapi/statements?statementId=" + NewUuidString(), st, {{"Content-Type", type}}),
              "PUT statements " + type);
  }
  // Documents keep any type, but merging (POST) is for JSON onto JSON only.
  const std::string state = "/xapi/activities/state?activityId=" + activity + "&agent=" + agent + "&stateId=s";
  const std::string aprof = "/xapi/activities/profile?activityId=" + activity + "&profileId=p";
  const std::string gprof = "/xapi/agents/profile?agent=" + agent + "&profileId=p";
  for (const std::string& doc : {state, aprof, gprof}) {
    ASSERT_EQ(c.PostJson(doc, R"({"a":1})").status, 204) << doc;
    for (std::string type : {"text/plain", "application/xml", "application/octet-stream"}) {
      expect400(c.Request("POST", doc, "<x/>", {{"Content-Type", type}}), "merge " + type + " onto JSON " + doc);
    }
    expect400(c.Request("POST", doc, "[1,2]", {{"Content-Type", "application/json"}}), "merge a non-object " + doc);
  }
  for (std::string path : {"/admin/rules", "/admin/framework", "/admin/goals", "/admin/costs", "/admin/people",
                           "/admin/kpis"}) {
    expect400(c.Request("PUT", path, "<rules/>", {{"Content-Type", "application/xml"}}), "PUT " + path + " xml");
  }
  expect400(c.Request("PUT", "/admin/people", "<x>", {{"Content-Type", "text/csv"}}), "PUT /admin/people csv");
  // GET-only resources refuse writes whatever the type.
  for (const std::string& path : std::vector<std::string>{"/xapi/activities?activityId=" + activity, "/xapi/agents?agent=" + agent, "/xapi/about"}) {
    auto r = c.Request("POST", path, "<x/>", {{"Content-Type", "application/xml"}});
    ++tried;
    EXPECT_EQ(r.status, 405) << path;
    refused += r.status == 405;
  }
  std::printf("    %d hostile requests (8 broken multiparts, %d forged cursors, 10 bad limits, wrong content types on "
              "every resource): %d refused with 400/405\n",
              tried, 50 + static_cast<int>(token.size() / 3) + 6, refused);
  prober.ExpectResponsive();
}

// ---- 7. TLS -----------------------------------------------------------------------------------
struct TlsOutcome {
  bool ok = false;
  std::string version, cipher, error;
  int http_status = 0;
};

// A handshake with OpenSSL directly, the client allowing exactly what it is told (security level
// 0, so a refusal comes from the server, not from this client's own defaults).
TlsOutcome TlsHandshake(int port, int min_version, int max_version, const char* ciphers12, const char* suites13 = nullptr) {
  TlsOutcome out;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_security_level(ctx, 0);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_min_proto_version(ctx, min_version);
  SSL_CTX_set_max_proto_version(ctx, max_version);
  if (ciphers12 && SSL_CTX_set_cipher_list(ctx, ciphers12) != 1) {
    out.error = std::string("client cannot offer ") + ciphers12;
    SSL_CTX_free(ctx);
    return out;
  }
  if (suites13) SSL_CTX_set_ciphersuites(ctx, suites13);
  int fd = Connect(port);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, "localhost");
  ERR_clear_error();
  if (SSL_connect(ssl) == 1) {
    out.ok = true;
    out.version = SSL_get_version(ssl);
    out.cipher = SSL_get_cipher_name(ssl);
    const std::string request = "GET /xapi/about HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    SSL_write(ssl, request.data(), static_cast<int>(request.size()));
    char buf[4096];
    int n = SSL_read(ssl, buf, sizeof buf);
    if (n > 9) out.http_status = std::atoi(std::string(buf, static_cast<std::size_t>(n)).c_str() + 9);
  } else {
    char text[256] = "";
    ERR_error_string_n(ERR_get_error(), text, sizeof text);
    out.error = text;
  }
  SSL_free(ssl);
  close(fd);
  SSL_CTX_free(ctx);
  return out;
}

void ExpectRefused(const TlsOutcome& o, const std::string& what) {
  EXPECT_FALSE(o.ok) << what << " was accepted: " << o.version << " " << o.cipher;
  EXPECT_EQ(o.error.find("client cannot offer"), std::string::npos) << o.error;
  std::printf("    refused: %-44s (%s)\n", what.c_str(), o.error.c_str());
}

void ExpectAccepted(const TlsOutcome& o, const std::string& what, const std::string& version,
                    const std::string& cipher = "") {
  EXPECT_TRUE(o.ok) << what << ": " << o.error;
  EXPECT_EQ(o.version, version) << what;
  if (!cipher.empty()) {
    EXPECT_EQ(o.cipher, cipher) << what;
  }
  EXPECT_EQ(o.http_status, 200) << what;
  std::printf("    accepted: %-43s -> %s %s\n", what.c_str(), o.version.c_str(), o.cipher.c_str());
}

TEST(Hostile, TlsRefusesOldProtocolsAndWeakCiphers) {
  ServerOptions options;
  options.http = false;
  options.https = true;
  auto server = Server::Start(options);  // the generated EC P-256 certificate
  const int port = PortOf(server->https_url());
  ExpectRefused(TlsHandshake(port, TLS1_VERSION, TLS1_VERSION, "ALL:@SECLEVEL=0"), "TLS 1.0");
  ExpectRefused(TlsHandshake(port, TLS1_1_VERSION, TLS1_1_VERSION, "ALL:@SECLEVEL=0"), "TLS 1.1");
  ExpectRefused(TlsHandshake(port, TLS1_VERSION, TLS1_1_VERSION, "ALL:@SECLEVEL=0"), "TLS 1.0-1.1");
  // TLS 1.2 without forward secrecy or without AEAD.
  for (const char* weak : {"ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-ECDSA-AES128-SHA256",
                           "ECDHE-ECDSA-AES256-SHA384", "AES128-SHA", "AES128-GCM-SHA256", "ECDHE-ECDSA-NULL-SHA"}) {
    ExpectRefused(TlsHandshake(port, TLS1_2_VERSION, TLS1_2_VERSION, (std::string(weak) + ":@SECLEVEL=0").c_str()),
                  std::string("TLS 1.2 ") + weak);
  }
  ExpectAccepted(TlsHandshake(port, TLS1_2_VERSION, TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256"),
                 "TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256", "TLSv1.2", "ECDHE-ECDSA-AES128-GCM-SHA256");
  ExpectAccepted(TlsHandshake(port, TLS1_2_VERSION, TLS1_2_VERSION, "ECDHE-ECDSA-AES256-GCM-SHA384"),
                 "TLS 1.2 ECDHE-ECDSA-AES256-GCM-SHA384", "TLSv1.2", "ECDHE-ECDSA-AES256-GCM-SHA384");
  ExpectAccepted(TlsHandshake(port, TLS1_2_VERSION, TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305"),
                 "TLS 1.2 ECDHE-ECDSA-CHACHA20-POLY1305", "TLSv1.2", "ECDHE-ECDSA-CHACHA20-POLY1305");
  // The server's preference wins over the client's order.
  ExpectAccepted(TlsHandshake(port, TLS1_2_VERSION, TLS1_2_VERSION,
                              "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256"),
                 "TLS 1.2, client prefers ChaCha20", "TLSv1.2", "ECDHE-ECDSA-AES128-GCM-SHA256");
  // TLS 1.3 with OpenSSL's defaults; a client preferring TLS 1.2 still gets 1.3.
  ExpectAccepted(TlsHandshake(port, TLS1_3_VERSION, TLS1_3_VERSION, nullptr), "TLS 1.3", "TLSv1.3");
  ExpectAccepted(TlsHandshake(port, TLS1_3_VERSION, TLS1_3_VERSION, nullptr, "TLS_CHACHA20_POLY1305_SHA256"),
                 "TLS 1.3 TLS_CHACHA20_POLY1305_SHA256", "TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256");
  ExpectAccepted(TlsHandshake(port, TLS1_VERSION, TLS1_3_VERSION, "ALL:@SECLEVEL=0"), "any version offered",
                 "TLSv1.3");
  // Not TLS at all: dropped, and the server goes on.
  Http plain = Exchange(port, "GET /xapi/about HTTP/1.1\r\nHost: x\r\n\r\n", nullptr, 3000);
  EXPECT_TRUE(plain.closed);
  Client c(server->https_url(), server->key(), server->secret());
  EXPECT_EQ(c.Get("/xapi/about").status, 200);
}

TEST(Hostile, TlsWithAnRsaCertificateRefusesStaticRsaAndCbc) {
  // A 2048-bit RSA certificate given with --cert/--key: RSA key exchange and CBC ciphers would
  // work with it, so their refusal is the server's cipher list at work.
  const std::string dir = (std::filesystem::temp_directory_path() / ("lrsd-rsa-" + NewUuidString())).string();
  std::filesystem::create_directories(dir);
  EVP_PKEY* key = EVP_RSA_gen(2048);
  ASSERT_TRUE(key);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  ASSERT_TRUE(X509_sign(cert, key, EVP_sha256()));
  FILE* f = std::fopen((dir + "/key.pem").c_str(), "wb");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  f = std::fopen((dir + "/cert.pem").c_str(), "wb");
  PEM_write_X509(f, cert);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);

  ServerOptions options;
  options.http = false;
  options.https = true;
  options.extra_args = {"--cert", dir + "/cert.pem", "--key", dir + "/key.pem"};
  auto server = Server::Start(options);
  const int port = PortOf(server->https_url());
  ExpectRefused(TlsHandshake(port, TLS1_VERSION, TLS1_1_VERSION, "ALL:@SECLEVEL=0"), "TLS 1.0-1.1 (RSA)");
  for (const char* weak : {"AES128-SHA", "AES256-SHA", "AES128-GCM-SHA256", "AES256-GCM-SHA384",
                           "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384", "DHE-RSA-AES128-GCM-SHA256"}) {
    ExpectRefused(TlsHandshake(port, TLS1_2_VERSION, TLS1_2_VERSION, (std::string(weak) + ":@SECLEVEL=0").c_str()),
                  std::string("TLS 1.2 ") + weak);
  }
  ExpectAccepted(TlsHandshake(port, TLS1_2_VERSION, TLS1_2_VERSION, "ECDHE-RSA-AES128-GCM-SHA256"),
                 "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256", "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256");
  ExpectAccepted(TlsHandshake(port, TLS1_2_VERSION, TLS1_2_VERSION, "ECDHE-RSA-CHACHA20-POLY1305"),
                 "TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305", "TLSv1.2", "ECDHE-RSA-CHACHA20-POLY1305");
  ExpectAccepted(TlsHandshake(port, TLS1_3_VERSION, TLS1_3_VERSION, nullptr), "TLS 1.3 (RSA)", "TLSv1.3");
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// ---- 8. Failed-authentication throttling --------------------------------------------------------
TEST(Hostile, FailedAuthenticationsAreThrottledPerAddress) {
  ServerOptions options;
  options.extra_args = {"--auth-failures", "5", "--auth-window", "60", "--auth-lockout", "2"};
  auto server = Server::Start(options);
  const int port = PortOf(server->http_url());
  const std::string good = BasicAuth(server->key(), server->secret());
  auto request = [&](const std::string& authorization) {
    return "GET /xapi/statements?limit=1 HTTP/1.1\r\nHost: x\r\nX-Experience-API-Version: 1.0.3\r\nAuthorization: " +
           authorization + "\r\nConnection: close\r\n\r\n";
  };
  auto wrong = [&](int i) { return BasicAuth(server->key(), "wrong-secret-" + std::to_string(i)); };
  // The well-behaved client sits on 127.0.0.1; the guesser on 127.0.0.2.
  Prober prober(*server);
  std::vector<double> guess_ms;
  for (int i = 0; i < 5; ++i) {
    auto t0 = Clock::now();
    EXPECT_EQ(Exchange(port, request(wrong(i)), "127.0.0.2").status, 401) << i;
    guess_ms.push_back(MillisSince(t0));
  }
  // Locked out: 429 with Retry-After, for wrong and right secrets alike, answered without PBKDF2.
  int throttled = 0;
  double slowest_refusal = 0;
  for (int i = 0; i < 200; ++i) {
    auto t0 = Clock::now();
    Http h = Exchange(port, request(i % 10 == 9 ? good : wrong(100 + i)), "127.0.0.2");
    slowest_refusal = std::max(slowest_refusal, MillisSince(t0));
    if (h.status == 429) ++throttled;
    if (i == 0) {
      EXPECT_EQ(h.headers["retry-after"], "2");
      EXPECT_NE(h.body.find("too many failed authentications"), std::string::npos) << h.body;
    }
  }
  EXPECT_EQ(throttled, 200);
  std::sort(guess_ms.begin(), guess_ms.end());
  std::printf("    5 wrong secrets from 127.0.0.2 answered 401 in %.1f ms (median, PBKDF2); the next 200 answered 429 "
              "in at most %.1f ms\n",
              guess_ms[2], slowest_refusal);
  EXPECT_LT(slowest_refusal, guess_ms[2] * 20 + 50);
  // Requests without credentials are not what is throttled.
  EXPECT_EQ(Exchange(port, "GET /xapi/about HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "127.0.0.2").status, 200);
  // Other addresses are unaffected: the right secret works, a wrong one is a plain 401.
  EXPECT_EQ(Exchange(port, request(good), "127.0.0.3").status, 200);
  EXPECT_EQ(Exchange(port, request(wrong(1)), "127.0.0.3").status, 401);
  prober.ExpectResponsive();
  // After the lockout a success resets the address, and the next lockout is the first again.
  std::this_thread::sleep_for(2100ms);
  EXPECT_EQ(Exchange(port, request(good), "127.0.0.2").status, 200);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Exchange(port, request(wrong(i)), "127.0.0.2").status, 401);
  EXPECT_EQ(Exchange(port, request(good), "127.0.0.2").status, 200) << "4 failures then a success: no lockout";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Exchange(port, request(wrong(i)), "127.0.0.2").status, 401);
  Http again = Exchange(port, request(good), "127.0.0.2");
  EXPECT_EQ(again.status, 429);
  EXPECT_EQ(again.headers["retry-after"], "2");
  // Without a success in between, lockouts double: 2 s, then 4 s.
  std::this_thread::sleep_for(2100ms);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Exchange(port, request(wrong(i)), "127.0.0.2").status, 401);
  EXPECT_EQ(Exchange(port, request(wrong(9)), "127.0.0.2").headers["retry-after"], "4");
}

TEST(Hostile, ParallelGuessingRunsFewSlowHashes) {
  ServerOptions options;
  options.extra_args = {"--auth-failures", "10"};
  auto server = Server::Start(options);
  const int port = PortOf(server->http_url());
  Prober prober(*server);
  std::atomic<int> unauthorized{0}, throttled{0}, other{0};
  std::vector<std::thread> guessers;
  const auto t0 = Clock::now();
  for (int t = 0; t < 8; ++t) {
    guessers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        Http h = Exchange(port,
                          "GET /xapi/statements HTTP/1.1\r\nHost: x\r\nX-Experience-API-Version: 1.0.3\r\nAuthorization: " +
                              BasicAuth(server->key(), "guess-" + std::to_string(t * 1000 + i)) +
                              "\r\nConnection: close\r\n\r\n",
                          "127.0.0.4");
        (h.status == 401 ? unauthorized : h.status == 429 ? throttled : other)++;
      }
    });
  }
  for (auto& g : guessers) g.join();
  std::printf("    400 guesses from 8 parallel connections of one address in %.0f ms: %d x 401 (slow hash run), "
              "%d x 429\n",
              MillisSince(t0), unauthorized.load(), throttled.load());
  EXPECT_LE(unauthorized.load(), 10);
  EXPECT_EQ(unauthorized + throttled, 400);
  EXPECT_EQ(other.load(), 0);
  prober.ExpectResponsive();
}

}  // namespace
}  // namespace lrsd::testkit
