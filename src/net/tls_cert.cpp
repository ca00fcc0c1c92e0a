// Self-signed certificate for the out-of-the-box HTTPS listener (OpenSSL 3 EVP API).
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "lrsd/net.h"

namespace lrsd::net {
namespace {
template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;

bool IsIpAddress(const std::string& host) {
  return host.find_first_not_of("0123456789.") == std::string::npos || host.find(':') != std::string::npos;
}

Status WritePem(const std::string& path, bool secret, const std::function<int(FILE*)>& write) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Error::Internal("cannot write " + path);
  if (secret) ::chmod(path.c_str(), 0600);
  int ok = write(f);
  bool closed = std::fclose(f) == 0;
  if (!ok || !closed) return Error::Internal("cannot write " + path);
  return OkStatus();
}
}  // namespace

Status EnsureSelfSignedCertificate(const std::string& cert_file, const std::string& key_file,
                                   const std::vector<std::string>& hosts) {
  if (std::filesystem::exists(cert_file) && std::filesystem::exists(key_file)) return OkStatus();
  PKey key(EVP_EC_gen("P-256"));
  if (!key) return Error::Internal("cannot generate a TLS key");
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(NowMicros() / 1000));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 825L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string cn = hosts.empty() ? "localhost" : hosts.front();
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("lrsd"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  std::string san;
  for (const auto& h : hosts) {
    if (!san.empty()) san += ',';
    san += (IsIpAddress(h) ? "IP:" : "DNS:") + h;
  }
  if (!san.empty()) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
    if (ext) {
      X509_add_ext(cert.get(), ext, -1);
      X509_EXTENSION_free(ext);
    }
  }
  if (!X509_sign(cert.get(), key.get(), EVP_sha256())) return Error::Internal("cannot sign the TLS certificate");
  if (auto st = WritePem(key_file, true, [&](FILE* f) {
        return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
      });
      !st.ok()) {
    return st;
  }
  return WritePem(cert_file, false, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
}

}  // namespace lrsd::net
