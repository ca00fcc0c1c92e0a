#include "net/pch.h"

#include <optional>
#include <stdexcept>

#include "lrsd/base.h"
#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

struct Client::Impl {
  asio::io_context ioc;
  ssl::context tls{ssl::context::tls_client};
  bool secure = false;
  std::string host, port;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> encrypted;
  beast::flat_buffer buffer;

  Impl() { tls.set_verify_mode(ssl::verify_none); }

  void Connect() {
    Close();
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(host, port);
    buffer.clear();
    if (secure) {
      encrypted.emplace(ioc, tls);
      beast::get_lowest_layer(*encrypted).expires_after(std::chrono::seconds(30));
      beast::get_lowest_layer(*encrypted).connect(results);
      SSL_set_tlsext_host_name(encrypted->native_handle(), host.c_str());
      encrypted->handshake(ssl::stream_base::client);
    } else {
      plain.emplace(ioc);
      plain->expires_after(std::chrono::seconds(30));
      plain->connect(results);
    }
  }
  void Close() {
    beast::error_code ec;
    if (plain) plain->socket().shutdown(tcp::socket::shutdown_both, ec);
    plain.reset();
    if (encrypted) beast::get_lowest_layer(*encrypted).socket().close(ec);
    encrypted.reset();
  }
  bool connected() const { return plain.has_value() || encrypted.has_value(); }

  template <class Fn>
  auto WithStream(Fn&& fn) {
    if (secure) {
      beast::get_lowest_layer(*encrypted).expires_after(std::chrono::seconds(120));
      return fn(*encrypted);
    }
    plain->expires_after(std::chrono::seconds(120));
    return fn(*plain);
  }

  Response Exchange(bhttp::request<bhttp::string_body>& req) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.header_limit(1 << 20);
    if (req.method() == bhttp::verb::head) parser.skip(true);
    WithStream([&](auto& stream) {
      bhttp::write(stream, req);
      bhttp::read(stream, buffer, parser);
      return 0;
    });
    auto res = parser.release();
    Response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) out.headers[ToLowerAscii(std::string(f.name_string()))] = std::string(f.value());
    out.body = std::move(res.body());
    if (!res.keep_alive()) Close();
    return out;
  }
};

Client::Client(std::string base, std::string key, std::string secret, std::string version)
    : impl_(std::make_unique<Impl>()), version_(std::move(version)) {
  std::string rest;
  if (base.rfind("https://", 0) == 0) {
    impl_->secure = true;
    rest = base.substr(8);
  } else if (base.rfind("http://", 0) == 0) {
    rest = base.substr(7);
  } else {
    throw std::invalid_argument("base must start with http:// or https://");
  }
  std::size_t colon = rest.rfind(':');
  impl_->host = rest.substr(0, colon);
  impl_->port = rest.substr(colon + 1);
  set_credentials(std::move(key), std::move(secret));
}

Client::~Client() = default;

void Client::set_credentials(std::string key, std::string secret) {
  authorization_ = "Basic " + Base64Encode(key + ":" + secret);
}

Response Client::Request(const std::string& method, const std::string& target, const std::string& body,
                         const std::map<std::string, std::string>& headers) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, impl_->host);
  if (auth_) req.set(bhttp::field::authorization, authorization_);
  if (!version_.empty()) req.set("X-Experience-API-Version", version_);
  for (const auto& [name, value] : headers) {
    if (value.empty()) {
      req.erase(name);
    } else {
      req.set(name, value);
    }
  }
  req.body() = body;
  req.prepare_payload();
  // A kept-alive connection may have been closed by the server meanwhile: retry once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = impl_->connected();
    if (!reused) impl_->Connect();
    try {
      return impl_->Exchange(req);
    } catch (const boost::system::system_error&) {
      impl_->Close();
      if (!reused || attempt == 1) throw;
    }
  }
  throw std::runtime_error("unreachable");
}

Response Client::PostJson(const std::string& target, const std::string& json,
                          const std::map<std::string, std::string>& headers) {
  auto h = headers;
  h.emplace("Content-Type", "application/json");
  return Request("POST", target, json, h);
}

Response Client::PutJson(const std::string& target, const std::string& json,
                         const std::map<std::string, std::string>& headers) {
  auto h = headers;
  h.emplace("Content-Type", "application/json");
  return Request("PUT", target, json, h);
}

std::string Client::RawExchange(const std::string& bytes, int timeout_ms) {
  Impl raw;
  raw.secure = impl_->secure;
  raw.host = impl_->host;
  raw.port = impl_->port;
  raw.Connect();
  std::string out;
  auto run = [&](auto& stream) {
    beast::get_lowest_layer(stream).expires_after(std::chrono::milliseconds(timeout_ms));
    beast::error_code ec;
    asio::write(stream, asio::buffer(bytes), ec);
    char chunk[4096];
    while (!ec) {
      std::size_t n = stream.read_some(asio::buffer(chunk), ec);
      out.append(chunk, n);
    }
    return 0;
  };
  if (raw.secure) {
    run(*raw.encrypted);
  } else {
    run(*raw.plain);
  }
  return out;
}

}  // namespace lrsd::testkit
