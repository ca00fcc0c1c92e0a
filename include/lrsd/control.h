// The control channel of a running lrsd: a Unix socket in its data directory (DATA/control/,
// mode 0700, so only the user who runs lrsd, or root, may use it) through which `lrsd backup` asks the server for
// what needs the open database while RocksDB's lock keeps every other process out. One JSON
// request line, one JSON response line, per connection, served one at a time.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "lrsd/base.h"

namespace lrsd::ops {

// The socket's path for a data directory.
std::string ControlSocketPath(const std::string& data_dir);

class ControlServer {
 public:
  // Gets a request line (without its newline), returns the response line.
  using Handler = std::function<std::string(std::string_view request)>;
  ControlServer(std::string path, Handler handler);
  ~ControlServer();  // Stop()
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Binds the socket (replacing a stale one: whoever holds the database lock owns the path) and
  // serves it on a thread of its own. 400 when the path is too long for a Unix socket.
  Status Start();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sends one request line to the server at `path` and returns its response line. 503 when no
// server listens there.
Result<std::string> ControlRequest(const std::string& path, std::string_view request, std::chrono::seconds timeout);

}  // namespace lrsd::ops
