// The only translation unit with Beast sessions. Shapes follow Beast's advanced_server_flex:
// one strand per connection, sessions owned by their pending handlers, timeouts on the lowest
// layer before every operation, parsers re-emplaced per request with limits.
#include "net/pch.h"

#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "lrsd/net.h"

namespace lrsd::net {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

struct Server::Impl {
  // Declared before io_context: pending handlers (and the sessions they own) are destroyed
  // with the io_context and may still touch these counters.
  ServerOptions options;
  Handler handler;
  RequestLogger logger;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> in_flight{0};
  std::atomic<bool> accept_failing{false};
  // Producers of streamed bodies hold store snapshots and services main closes once Run
  // returns: those of responses still unfinished then (shutdown_grace ran out) are dropped at
  // the end of Run, before main closes them, not when the io_context dies with the server.
  std::mutex streams_mu;
  std::set<http::BodyStream*> streams;

  // Responses that wait for durability are finished from the store's syncing thread, which may
  // in principle outlive the server (a sync that hangs past shutdown_grace): those callbacks
  // hold the server's state through this.
  std::weak_ptr<Impl> self;
  asio::io_context ioc;
  ssl::context tls{ssl::context::tls_server};
  std::optional<asio::thread_pool> workers;
  struct Acceptor {
    std::unique_ptr<tcp::acceptor> acceptor;
    bool tls;
  };
  std::vector<Acceptor> acceptors;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  std::optional<asio::signal_set> signals;
  std::optional<asio::steady_timer> drain_timer;

  Impl(ServerOptions o, Handler h, RequestLogger l)
      : options(std::move(o)), handler(std::move(h)), logger(std::move(l)) {}

  void Accept(std::size_t index);
  // SIGINT/SIGTERM begin a graceful shutdown; a signal that arrives before Run is kept until it
  // runs (so a client that stops the server as soon as it listens still gets a clean stop).
  void HandleSignals() {
    if (signals) return;
    signals.emplace(ioc, SIGINT, SIGTERM);
    signals->async_wait([this](beast::error_code ec, int) {
      if (!ec) BeginShutdown();
    });
  }
  void BeginShutdown();
  void CheckDrained(std::chrono::steady_clock::time_point deadline);
};

namespace {

http::Request ToRequest(bhttp::request<bhttp::string_body>&& in, bool secure, const std::string& remote) {
  http::Request r;
  r.method_name = std::string(in.method_string());
  r.method = http::ParseMethod(r.method_name);
  r.target = std::string(in.target());
  for (const auto& field : in) r.headers.Add(std::string(field.name_string()), std::string(field.value()));
  r.body = std::move(in.body());
  r.secure = secure;
  r.remote_address = remote;
  return r;
}

bhttp::response<bhttp::string_body> ToBeast(http::Response&& r, bool keep_alive) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), 11};
  for (auto& [name, value] : r.headers.fields()) res.insert(name, value);
  res.set(bhttp::field::server, "lrsd");
  res.set(bhttp::field::date, HttpDateNow());
  res.keep_alive(keep_alive);
  if (r.head_only) {
    // HEAD: the headers a GET would carry, Content-Length included, and no body.
    if (r.status != 204 && r.status != 304) res.content_length(r.body.size());
  } else {
    res.body() = std::move(r.body);
    res.prepare_payload();
  }
  return res;
}

http::Response SimpleError(int status, std::string_view message) {
  return http::ErrorResponse(Error{status, {}, {}, std::string(message)});
}

template <class Derived>
class Session {
 public:
  Session(Server::Impl& server, beast::flat_buffer buffer, std::string remote)
      : server_(server), buffer_(std::move(buffer)), remote_(std::move(remote)) {
    ++server_.connections;
  }
  ~Session() {
    if (producer_) ReleaseProducer();
    --server_.connections;
  }

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }

  // Three bounds per request, so that no client holds a connection by trickling bytes:
  // idle_timeout until its first byte, header_timeout from there to the end of the headers,
  // read_timeout for the body (and for writing the response). A timeout closes the connection.
  void DoRead() {
    if (server_.stopping) return derived().DoClose();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(server_.options.max_body_bytes);
    if (buffer_.size() > 0) return ReadHeader();  // pipelined: the next request has begun
    beast::get_lowest_layer(derived().stream()).expires_after(server_.options.idle_timeout);
    derived().stream().async_read_some(
        buffer_.prepare(std::min<std::size_t>(4096, server_.options.max_header_bytes + 1)),
        beast::bind_front_handler(&Session::OnFirstBytes, derived().shared_from_this()));
  }

  void OnFirstBytes(beast::error_code ec, std::size_t n) {
    if (ec) return OnReadError(ec);
    buffer_.commit(n);
    ReadHeader();
  }

  void ReadHeader() {
    beast::get_lowest_layer(derived().stream()).expires_after(server_.options.header_timeout);
    bhttp::async_read_header(derived().stream(), buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnReadHeader, derived().shared_from_this()));
  }

  void OnReadHeader(beast::error_code ec, std::size_t) {
    if (ec) return OnReadError(ec);
    started_ = std::chrono::steady_clock::now();
    beast::get_lowest_layer(derived().stream()).expires_after(server_.options.read_timeout);
    const auto& header = parser_->get();
    if (auto expect = header[bhttp::field::expect]; !expect.empty() && beast::iequals(expect, "100-continue")) {
      // Clients that wait for a go-ahead before sending a large body (curl) get one at once.
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      bhttp::async_write(derived().stream(), *cont,
                         [self = derived().shared_from_this(), cont](beast::error_code wec, std::size_t) {
                           if (wec) return self->DoClose();
                           self->ReadBody();
                         });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(derived().stream(), buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, derived().shared_from_this()));
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == ssl::error::stream_truncated) {
      return derived().DoClose();
    }
    if (ec == bhttp::error::body_limit) {
      return Reply(SimpleError(413, "request body exceeds the limit of " +
                                        std::to_string(server_.options.max_body_bytes) + " bytes"),
                   false);
    }
    if (ec == bhttp::error::header_limit) {
      return Reply(SimpleError(431, "request headers exceed the limit of " +
                                        std::to_string(server_.options.max_header_bytes) + " bytes"),
                   false);
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::partial_message).category()) {
      return Reply(SimpleError(400, "malformed HTTP request: " + ec.message()), false);
    }
    derived().DoClose();
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec) return OnReadError(ec);
    beast::get_lowest_layer(derived().stream()).expires_never();
    keep_alive_ = parser_->get().keep_alive();
    request_ = ToRequest(parser_->release(), Derived::kSecure, remote_);
    ++server_.in_flight;
    if (server_.options.inline_handler) {
      request_.on_network_thread = true;
      http::Response response = Guarded(server_.options.inline_handler, request_);
      request_.on_network_thread = false;
      if (!response.retry_on_worker) return Answer(derived().shared_from_this(), std::move(response));
    }
    // Handlers may block on storage (a durable write waits for fsync): run them on the worker
    // pool, then come back to this connection's strand to write.
    asio::post(*server_.workers, [self = derived().shared_from_this()] {
      Answer(self, Guarded(self->server_.handler, self->request_));
    });
  }

  template <typename H>
  static http::Response Guarded(const H& handler, http::Request& request) {
    try {
      return handler(request);
    } catch (const std::exception& e) {
      return SimpleError(500, std::string("internal error: ") + e.what());
    } catch (...) {
      return SimpleError(500, "internal error");
    }
  }

  // Sends `response` from this connection's strand, once durable when it has to wait for that.
  static void Answer(std::shared_ptr<Derived> self, http::Response response) {
    if (auto durable = std::move(response.when_durable)) {
      response.when_durable = nullptr;
      // Members are destroyed in reverse order: the session before the server state it uses.
      struct Held {
        std::shared_ptr<Server::Impl> server;
        std::shared_ptr<Derived> session;
      };
      durable([held = Held{self->server_.self.lock(), self}, response = std::move(response)](const Status& st) mutable {
        http::Response out = st.ok() ? std::move(response) : SimpleError(500, "internal error: " + st.error().message);
        auto session = held.session;
        asio::dispatch(session->derived().stream().get_executor(),
                       [session, out = std::move(out)]() mutable { session->Reply(std::move(out), true); });
      });
      return;
    }
    asio::dispatch(self->derived().stream().get_executor(),
                   [self, response = std::move(response)]() mutable { self->Reply(std::move(response), true); });
  }

  void Reply(http::Response response, bool counted) {
    counted_ = counted;
    if (!counted) started_ = std::chrono::steady_clock::now();
    bool keep = counted && keep_alive_ && !server_.stopping;
    response_ = std::move(response);
    if (response_.stream) return StartStream(keep);
    auto copy = response_;  // keep the logical response for the access log
    res_ = ToBeast(std::move(copy), keep);
    beast::get_lowest_layer(derived().stream()).expires_after(server_.options.read_timeout);
    bhttp::async_write(derived().stream(), res_,
                       beast::bind_front_handler(&Session::OnWrite, derived().shared_from_this(), keep));
  }

  // A streamed body: the header (chunked), then one chunk at a time, each produced on the worker
  // pool once the previous one is written, then the last chunk. Memory stays at one chunk
  // whatever the size; a slow reader slows the producer instead of filling a buffer, and each
  // write gets read_timeout, so a client that stops reading is dropped.
  void StartStream(bool keep) {
    producer_ = std::move(response_.stream);
    response_.stream = nullptr;
    response_.body.clear();  // the access log sees the status and headers only
    {
      std::lock_guard lock(server_.streams_mu);
      server_.streams.insert(&producer_);
    }
    stream_res_.emplace(static_cast<bhttp::status>(response_.status), 11);
    for (const auto& [name, value] : response_.headers.fields()) stream_res_->insert(name, value);
    stream_res_->set(bhttp::field::server, "lrsd");
    stream_res_->set(bhttp::field::date, HttpDateNow());
    stream_res_->keep_alive(keep);
    stream_res_->chunked(true);
    stream_sr_.emplace(*stream_res_);
    stream_done_ = response_.head_only;  // HEAD: the header is all
    beast::get_lowest_layer(derived().stream()).expires_after(server_.options.read_timeout);
    bhttp::async_write_header(derived().stream(), *stream_sr_,
                              beast::bind_front_handler(&Session::OnStreamWrite, derived().shared_from_this(), keep));
  }

  void OnStreamWrite(bool keep, beast::error_code ec, std::size_t) {
    if (ec) return EndStream(false, ec);  // the client went away or stopped reading
    if (stream_done_) return EndStream(keep, ec);
    if (stream_last_) {
      stream_done_ = true;
      beast::get_lowest_layer(derived().stream()).expires_after(server_.options.read_timeout);
      return asio::async_write(derived().stream(), bhttp::make_chunk_last(),
                               beast::bind_front_handler(&Session::OnStreamWrite, derived().shared_from_this(), keep));
    }
    asio::post(*server_.workers, [self = derived().shared_from_this(), keep] {
      std::string chunk;
      Result<bool> more = false;
      try {
        more = self->producer_(chunk);
      } catch (const std::exception& e) {
        more = Error::Internal(e.what());
      } catch (...) {
        more = Error::Internal("unknown exception");
      }
      asio::dispatch(self->derived().stream().get_executor(),
                     [self, keep, chunk = std::move(chunk), more = std::move(more)]() mutable {
                       self->WriteChunk(keep, std::move(chunk), std::move(more));
                     });
    });
  }

  void WriteChunk(bool keep, std::string chunk, Result<bool> more) {
    if (!more.ok()) {
      // Headers (200) are gone already: all that is left is to cut the transfer short.
      Log(LogLevel::kError, "streamed response to " + remote_ + " aborted: " + more.error().ToString());
      return EndStream(false, asio::error::operation_aborted);
    }
    stream_last_ = !*more;
    // An empty chunk would read as the last one: skip it and ask for the next piece.
    if (chunk.empty()) return OnStreamWrite(keep, {}, 0);
    chunk_ = std::move(chunk);
    beast::get_lowest_layer(derived().stream()).expires_after(server_.options.read_timeout);
    asio::async_write(derived().stream(), bhttp::make_chunk(asio::buffer(chunk_)),
                      beast::bind_front_handler(&Session::OnStreamWrite, derived().shared_from_this(), keep));
  }

  void EndStream(bool keep, beast::error_code ec) {
    ReleaseProducer();
    stream_sr_.reset();
    stream_res_.reset();
    chunk_ = {};
    stream_last_ = stream_done_ = false;
    OnWrite(keep, ec, 0);
  }

  void ReleaseProducer() {
    std::lock_guard lock(server_.streams_mu);
    server_.streams.erase(&producer_);
    producer_ = nullptr;  // its snapshot goes now, not when the connection closes
  }

  void OnWrite(bool keep, beast::error_code ec, std::size_t) {
    if (server_.logger) {
      double millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
      if (!counted_) request_.target = "(unparsed)";
      server_.logger(request_, response_, millis);
    }
    if (counted_) --server_.in_flight;
    counted_ = false;
    if (ec || !keep) return derived().DoClose();
    res_ = {};
    response_ = {};
    request_ = {};
    DoRead();
  }

  Server::Impl& server_;
  beast::flat_buffer buffer_;
  std::string remote_;
  // Streamed responses (StartStream).
  http::BodyStream producer_;
  std::optional<bhttp::response<bhttp::empty_body>> stream_res_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> stream_sr_;
  std::string chunk_;
  bool stream_last_ = false;  // the producer has given its last piece
  bool stream_done_ = false;  // the last chunk is being written
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  http::Request request_;
  http::Response response_;
  bhttp::response<bhttp::string_body> res_;
  bool keep_alive_ = false;
  bool counted_ = false;
  std::chrono::steady_clock::time_point started_;
};

class PlainSession : public Session<PlainSession>, public std::enable_shared_from_this<PlainSession> {
 public:
  static constexpr bool kSecure = false;
  PlainSession(Server::Impl& server, tcp::socket&& socket, std::string remote)
      : Session(server, beast::flat_buffer(), std::move(remote)), stream_(std::move(socket)) {}
  void Run() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&PlainSession::DoRead, shared_from_this()));
  }
  beast::tcp_stream& stream() { return stream_; }
  void DoClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

 private:
  friend class Session<PlainSession>;
  beast::tcp_stream stream_;
};

class TlsSession : public Session<TlsSession>, public std::enable_shared_from_this<TlsSession> {
 public:
  static constexpr bool kSecure = true;
  TlsSession(Server::Impl& server, tcp::socket&& socket, ssl::context& ctx, std::string remote)
      : Session(server, beast::flat_buffer(), std::move(remote)), stream_(std::move(socket), ctx) {}
  void Run() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&TlsSession::DoHandshake, shared_from_this()));
  }
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  void DoClose() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
      beast::error_code ec;
      beast::get_lowest_layer(self->stream_).socket().close(ec);
    });
  }

 private:
  friend class Session<TlsSession>;
  void DoHandshake() {
    beast::get_lowest_layer(stream_).expires_after(server_.options.header_timeout);
    stream_.async_handshake(ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;  // not TLS, or the peer gave up: drop it
      self->DoRead();
    });
  }
  beast::ssl_stream<beast::tcp_stream> stream_;
};

// TLS 1.2 and 1.3 only. TLS 1.2: forward-secret ECDHE key exchange with AEAD ciphers (Mozilla's
// "intermediate" list without finite-field DHE); TLS 1.3: OpenSSL's defaults (all AEAD). The
// server's order wins; no renegotiation (a client-driven CPU cost), no compression (CRIME).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

Status ConfigureTls(SSL_CTX* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 || SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    return Error::Internal("cannot configure TLS (OpenSSL lacks TLS 1.2 or the ECDHE AEAD ciphers)");
  }
  SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  return OkStatus();
}

// Keeps max_connections within what RLIMIT_NOFILE allows, leaving room for the database's files,
// the listeners and logs: beyond it accept() would fail instead of closing the surplus at once.
void LimitConnectionsToDescriptors(ServerOptions& options) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return;
  const rlim_t reserve = std::max<rlim_t>(256, limit.rlim_cur / 4);
  const std::size_t room = limit.rlim_cur > reserve ? static_cast<std::size_t>(limit.rlim_cur - reserve) : 16;
  if (options.max_connections <= room) return;
  Log(LogLevel::kWarn, "the file descriptor limit is " + std::to_string(limit.rlim_cur) + ": serving at most " +
                           std::to_string(room) + " connections instead of " + std::to_string(options.max_connections) +
                           " (raise `ulimit -n`)");
  options.max_connections = room;
}

}  // namespace

void Server::Impl::Accept(std::size_t index) {
  auto& entry = acceptors[index];
  entry.acceptor->async_accept(asio::make_strand(ioc), [this, index](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || stopping) return;
    if (ec) {
      // Out of file descriptors (or kernel memory): the pending connection stays queued, so
      // accepting again at once would spin. Back off briefly; existing connections go on.
      if (!accept_failing.exchange(true)) {
        Log(LogLevel::kWarn, "cannot accept connections: " + ec.message() + " (retrying every 100 ms)");
      }
      auto timer = std::make_shared<asio::steady_timer>(ioc, std::chrono::milliseconds(100));
      timer->async_wait([this, index, timer](beast::error_code) {
        if (!stopping) Accept(index);
      });
      return;
    }
    accept_failing.store(false, std::memory_order_relaxed);
    if (connections >= options.max_connections) {
      // At the limit: closed at once, so an idle crowd cannot exhaust descriptors.
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      beast::error_code rec;
      auto endpoint = socket.remote_endpoint(rec);
      std::string remote = rec ? std::string("?") : endpoint.address().to_string();
      socket.set_option(tcp::no_delay(true), rec);
      if (acceptors[index].tls) {
        std::make_shared<TlsSession>(*this, std::move(socket), tls, std::move(remote))->Run();
      } else {
        std::make_shared<PlainSession>(*this, std::move(socket), std::move(remote))->Run();
      }
    }
    Accept(index);
  });
}

void Server::Impl::BeginShutdown() {
  if (stopping.exchange(true)) return;
  for (auto& a : acceptors) {
    beast::error_code ec;
    a.acceptor->close(ec);
  }
  if (signals) {
    beast::error_code ec;
    signals->cancel(ec);
  }
  CheckDrained(std::chrono::steady_clock::now() + options.shutdown_grace);
}

void Server::Impl::CheckDrained(std::chrono::steady_clock::time_point deadline) {
  if (in_flight == 0 || std::chrono::steady_clock::now() >= deadline) {
    guard.reset();
    ioc.stop();
    return;
  }
  drain_timer.emplace(ioc, std::chrono::milliseconds(20));
  drain_timer->async_wait([this, deadline](beast::error_code) { CheckDrained(deadline); });
}

Server::Server(ServerOptions options, Handler handler, RequestLogger logger)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(handler), std::move(logger))) {
  impl_->self = impl_;
}

Server::~Server() {
  if (impl_->workers) impl_->workers->join();
}

Result<std::vector<BoundEndpoint>> Server::Listen(bool handle_signals) {
  Impl& im = *impl_;
  bool any_tls = false;
  for (const auto& l : im.options.listeners) any_tls |= l.tls;
  if (any_tls) {
    beast::error_code ec;
    im.tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    if (auto st = ConfigureTls(im.tls.native_handle()); !st.ok()) return st.error();
    im.tls.use_certificate_chain_file(im.options.cert_file, ec);
    if (ec) return Error::Internal("cannot load TLS certificate " + im.options.cert_file + ": " + ec.message());
    im.tls.use_private_key_file(im.options.key_file, ssl::context::pem, ec);
    if (ec) return Error::Internal("cannot load TLS key " + im.options.key_file + ": " + ec.message());
  }
  LimitConnectionsToDescriptors(im.options);
  std::vector<BoundEndpoint> bound;
  for (const auto& l : im.options.listeners) {
    beast::error_code ec;
    auto address = asio::ip::make_address(l.host, ec);
    if (ec) return Error::Internal("invalid listen address '" + l.host + "'");
    tcp::endpoint endpoint(address, l.port);
    auto acceptor = std::make_unique<tcp::acceptor>(im.ioc);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Error::Internal("cannot listen on " + l.host + ":" + std::to_string(l.port) + ": " + ec.message());
    }
    bound.push_back({l.tls ? "https" : "http", l.host, acceptor->local_endpoint().port()});
    im.acceptors.push_back({std::move(acceptor), l.tls});
  }
  if (handle_signals) im.HandleSignals();
  return bound;
}

void Server::Run(bool handle_signals) {
  Impl& im = *impl_;
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  unsigned io_threads = im.options.io_threads ? im.options.io_threads : cores;
  // Handlers mostly wait: a durable write waits for the WAL's fsync, and RocksDB commits the
  // writes of every waiting handler together, so a group is at most as large as the pool.
  // 32 workers instead of 8 took single-statement POSTs from ~4.8k to ~6.4k/s on 2 cores.
  unsigned workers = im.options.worker_threads ? im.options.worker_threads : std::max(32u, 8 * cores);
  im.workers.emplace(workers);
  im.guard.emplace(im.ioc.get_executor());
  if (handle_signals) im.HandleSignals();
  for (std::size_t i = 0; i < im.acceptors.size(); ++i) im.Accept(i);
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < io_threads; ++i) threads.emplace_back([&im] { im.ioc.run(); });
  im.ioc.run();
  for (auto& t : threads) t.join();
  im.workers->join();
  // Nothing runs any more: unfinished streams let go of their snapshots before main closes the
  // database.
  std::lock_guard lock(im.streams_mu);
  for (http::BodyStream* producer : im.streams) *producer = nullptr;
  im.streams.clear();
}

void Server::Shutdown() {
  auto impl = impl_;
  asio::post(impl->ioc, [impl] { impl->BeginShutdown(); });
}

}  // namespace lrsd::net
