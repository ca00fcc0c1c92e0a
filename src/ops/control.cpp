#include "lrsd/control.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

namespace lrsd::ops {
namespace {

constexpr std::size_t kMaxLine = 64 * 1024;

// A file descriptor closed on destruction.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

Result<sockaddr_un> Address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    return Error{400, {}, {}, "the control socket path " + path + " is longer than a Unix socket allows"};
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

// Reads up to a newline (or the peer's end) within `deadline_ms` per wait.
bool ReadLine(int fd, std::string& line, int wait_ms) {
  char buf[4096];
  while (line.size() <= kMaxLine) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, wait_ms) <= 0) return false;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return !line.empty();
    line.append(buf, static_cast<std::size_t>(n));
    if (auto nl = line.find('\n'); nl != std::string::npos) {
      line.resize(nl);
      return true;
    }
  }
  return false;
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::string ControlSocketPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "control" / "lrsd.sock").string();
}

struct ControlServer::Impl {
  std::string path;
  Handler handler;
  Fd listener;
  std::thread thread;
  std::atomic<bool> stopping{false};

  void Serve() {
    while (!stopping) {
      Fd client(::accept(listener.get(), nullptr, nullptr));
      if (client.get() < 0) {
        if (stopping) return;
        if (errno == EINTR || errno == ECONNABORTED) continue;
        Log(LogLevel::kWarn, std::string("control socket: accept failed: ") + std::strerror(errno));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      std::string line;
      if (!ReadLine(client.get(), line, 10'000)) continue;  // a client that says nothing is dropped
      std::string response;
      try {
        response = handler(line);
      } catch (const std::exception& e) {
        response = std::string(R"({"ok":false,"status":500,"error":"internal error"})");
        Log(LogLevel::kError, std::string("control socket: ") + e.what());
      }
      response += '\n';
      WriteAll(client.get(), response);
    }
  }
};

ControlServer::ControlServer(std::string path, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->path = std::move(path);
  impl_->handler = std::move(handler);
}

ControlServer::~ControlServer() { Stop(); }

Status ControlServer::Start() {
  auto addr = Address(impl_->path);
  if (!addr.ok()) return addr.error();
  // The socket lives in a directory only the owner may enter: connecting needs search permission
  // on it, so no other user can reach the socket whatever its own mode or the umask.
  const std::filesystem::path dir = std::filesystem::path(impl_->path).parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || ::chmod(dir.c_str(), 0700) != 0) {
    return Error::Internal("control socket directory " + dir.string() + ": " + (ec ? ec.message() : std::strerror(errno)));
  }
  ::unlink(impl_->path.c_str());  // stale, from a server that was killed
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return Error::Internal(std::string("control socket: ") + std::strerror(errno));
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0 || ::listen(fd.get(), 8) != 0) {
    return Error::Internal("control socket " + impl_->path + ": " + std::strerror(errno));
  }
  ::chmod(impl_->path.c_str(), 0600);
  impl_->listener.Reset(fd.Release());
  impl_->thread = std::thread([impl = impl_.get()] { impl->Serve(); });
  return OkStatus();
}

void ControlServer::Stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  impl_->stopping = true;
  ::shutdown(impl_->listener.get(), SHUT_RDWR);  // wakes accept()
  impl_->thread.join();
  impl_->listener.Reset();
  ::unlink(impl_->path.c_str());
}

Result<std::string> ControlRequest(const std::string& path, std::string_view request, std::chrono::seconds timeout) {
  auto addr = Address(path);
  if (!addr.ok()) return addr.error();
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return Error::Internal(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0) {
    return Error::Unavailable("no lrsd answers on " + path + ": " + std::strerror(errno));
  }
  std::string line(request);
  line += '\n';
  if (!WriteAll(fd.get(), line)) return Error::Unavailable("the server at " + path + " closed the connection");
  std::string response;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
  if (!ReadLine(fd.get(), response, static_cast<int>(std::min<long long>(ms, 24LL * 3600 * 1000)))) {
    return Error::Unavailable("no answer from the server at " + path);
  }
  return response;
}

}  // namespace lrsd::ops
