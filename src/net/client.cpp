// A small synchronous HTTP(S) client for outgoing requests (statement forwarding). Each call
// runs its own io_context on the calling thread: resolve, connect, TLS handshake (chain and
// host name verified against the system CA store unless told otherwise, SNI set), write the
// request, read the response, close. Asynchronous operations under the hood so that every step
// honours the timeout (Beast's synchronous calls would ignore it).
#include "net/pch.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <optional>

#include "lrsd/net.h"

namespace lrsd::net {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

Error NetworkError(const std::string& what, const beast::error_code& ec) {
  const bool timeout = ec == beast::error::timeout || ec == asio::error::timed_out;
  return Error{timeout ? 504 : 502, {}, {}, what + ": " + (timeout ? std::string("timed out") : ec.message())};
}

bhttp::request<bhttp::string_body> BuildRequest(const ClientRequest& in) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(in.method);
  req.target(in.target.empty() ? "/" : in.target);
  req.version(11);
  const bool default_port = (in.tls && in.port == 443) || (!in.tls && in.port == 80);
  std::string host = in.host.find(':') != std::string::npos ? "[" + in.host + "]" : in.host;
  req.set(bhttp::field::host, default_port ? host : host + ":" + std::to_string(in.port));
  req.set(bhttp::field::user_agent, "lrsd");
  req.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : in.headers) req.set(name, value);
  req.body() = in.body;
  req.prepare_payload();
  return req;
}

// Runs the exchange on `stream` (connected, handshaken). Sets `out`.
template <class Stream>
asio::awaitable<void> Exchange(Stream& stream, beast::tcp_stream& lowest, const ClientRequest& in,
                               std::optional<Result<ClientResponse>>& out) {
  auto req = BuildRequest(in);
  lowest.expires_after(in.timeout);
  auto [wec, written] = co_await bhttp::async_write(stream, req, asio::as_tuple(asio::use_awaitable));
  (void)written;
  if (wec) {
    out = NetworkError("sending the request", wec);
    co_return;
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(in.max_response_bytes);
  lowest.expires_after(in.timeout);
  auto [rec, read] = co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  (void)read;
  if (rec) {
    out = NetworkError("reading the response", rec);
    co_return;
  }
  ClientResponse res;
  res.status = static_cast<int>(parser.get().result_int());
  res.body = std::move(parser.get().body());
  out = std::move(res);
}

asio::awaitable<void> Run(const ClientRequest& in, ssl::context* tls, std::optional<Result<ClientResponse>>& out) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto [rec, endpoints] =
      co_await resolver.async_resolve(in.host, std::to_string(in.port), asio::as_tuple(asio::use_awaitable));
  if (rec) {
    out = NetworkError("resolving " + in.host, rec);
    co_return;
  }
  beast::tcp_stream plain(executor);
  plain.expires_after(in.timeout);
  auto [cec, connected] = co_await plain.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
  (void)connected;
  if (cec) {
    out = NetworkError("connecting to " + in.host + ":" + std::to_string(in.port), cec);
    co_return;
  }
  if (!tls) {
    co_await Exchange(plain, plain, in, out);
    beast::error_code ignored;
    plain.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> secure(std::move(plain), *tls);
  if (!SSL_set_tlsext_host_name(secure.native_handle(), in.host.c_str())) {
    out = Error{502, {}, {}, "TLS: cannot set the server name"};
    co_return;
  }
  if (in.verify_tls) secure.set_verify_callback(ssl::host_name_verification(in.host));
  auto& lowest = beast::get_lowest_layer(secure);
  lowest.expires_after(in.timeout);
  auto [hec] = co_await secure.async_handshake(ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
  if (hec) {
    out = NetworkError("TLS handshake with " + in.host, hec);
    co_return;
  }
  co_await Exchange(secure, lowest, in, out);
  // A short, best-effort close_notify; the connection is closed either way.
  lowest.expires_after(std::chrono::seconds(2));
  co_await secure.async_shutdown(asio::as_tuple(asio::use_awaitable));
}

}  // namespace

Result<ClientResponse> HttpRequest(const ClientRequest& request) {
  std::optional<Result<ClientResponse>> out;
  std::optional<ssl::context> tls;
  if (request.tls) {
    tls.emplace(ssl::context::tls_client);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (request.verify_tls) {
      beast::error_code ec;
      tls->set_default_verify_paths(ec);
      if (ec) return Error{502, {}, {}, "TLS: cannot load the system CA store: " + ec.message()};
      tls->set_verify_mode(ssl::verify_peer);
    } else {
      tls->set_verify_mode(ssl::verify_none);
    }
  }
  std::exception_ptr failure;
  {
    // Declared after `out`, `tls` and `failure`: destroyed first, with any coroutine still
    // pending (a timeout, a cancellation).
    asio::io_context ioc;
    asio::co_spawn(ioc, Run(request, tls ? &*tls : nullptr, out), [&failure](std::exception_ptr e) { failure = e; });
    // Resolution cannot be cancelled by the stream's timer: bound the whole exchange too. Run in
    // slices so that a cancellation (shutdown) is seen soon.
    const auto deadline = std::chrono::steady_clock::now() + request.timeout * 3 + std::chrono::seconds(2);
    while (!ioc.stopped() && std::chrono::steady_clock::now() < deadline) {
      if (request.cancel && request.cancel->load()) return Error::Unavailable("request cancelled (shutting down)");
      ioc.run_for(std::chrono::milliseconds(100));
    }
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        return Error{502, {}, {}, std::string("request failed: ") + e.what()};
      }
    }
  }
  if (!out) return Error{504, {}, {}, "request to " + request.host + " timed out"};
  return std::move(*out);
}

}  // namespace lrsd::net
