#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string MakeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "lrsd-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// Runs `argv` with stdout and stderr sent to files; returns the pid.
int Spawn(const std::vector<std::string>& argv, const std::string& out_file, const std::string& err_file) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out < 0 || err < 0) _exit(126);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int WaitFor(int pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string Response::Header(const std::string& name) const {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = headers.find(lower);
  return it == headers.end() ? std::string() : it->second;
}

rapidjson::Document Response::Json() const {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError()) d.SetNull();
  return d;
}

std::unique_ptr<Server> Server::Start(ServerOptions options) {
  std::unique_ptr<Server> s(new Server());
  s->options_ = std::move(options);
  if (s->options_.data_dir.empty()) {
    s->options_.data_dir = MakeTempDir();
    s->owns_dir_ = true;
  }
  s->stderr_file_ = s->options_.data_dir + "/lrsd.stderr";
  s->Launch();
  return s;
}

void Server::Launch() {
  std::vector<std::string> argv = {LRSD_BINARY, "serve", "--data", options_.data_dir};
  if (options_.http) {
    argv.push_back("--http");
    argv.push_back("127.0.0.1:0");
  }
  if (options_.https) {
    argv.push_back("--https");
    argv.push_back("127.0.0.1:0");
  }
  for (const auto& a : options_.extra_args) argv.push_back(a);
  const std::string out_file = options_.data_dir + "/lrsd.stdout";
  std::filesystem::remove(out_file);  // never read the previous run's lines
  pid_ = Spawn(argv, out_file, stderr_file_);

  const int expected = (options_.http ? 1 : 0) + (options_.https ? 1 : 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  http_url_.clear();
  https_url_.clear();
  while (true) {
    std::string out = ReadFile(out_file);
    int listening = 0;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("key: ", 0) == 0) key_ = line.substr(5);
      if (line.rfind("secret: ", 0) == 0) secret_ = line.substr(8);
      const std::string marker = "lrsd: listening on ";
      if (line.rfind(marker, 0) == 0) {
        std::string url = line.substr(marker.size());
        url = url.substr(0, url.find("/xapi/"));
        (url.rfind("https", 0) == 0 ? https_url_ : http_url_) = url;
        ++listening;
      }
    }
    if (listening >= expected) break;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("lrsd exited during startup:\n" + out + ReadFile(stderr_file_));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("lrsd did not start within 30 s:\n" + out + ReadFile(stderr_file_));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Server::~Server() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      WaitFor(pid_);
    }
  }
  if (owns_dir_ && !std::getenv("LRSD_KEEP_TEST_DATA")) {
    std::error_code ec;
    std::filesystem::remove_all(options_.data_dir, ec);
  }
}

int Server::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = WaitFor(pid_);
  pid_ = -1;
  return status;
}

void Server::Restart() {
  Stop(SIGTERM);
  StartAgain();
}

void Server::StartAgain() { Launch(); }

std::string Server::Stderr() const { return ReadFile(stderr_file_); }

std::pair<int, std::string> Server::RunCli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {LRSD_BINARY};
  for (const auto& a : args) argv.push_back(a);
  argv.push_back("--data");
  argv.push_back(options_.data_dir);
  const std::string out_file = options_.data_dir + "/cli.stdout";
  const std::string err_file = options_.data_dir + "/cli.stderr";
  std::filesystem::remove(err_file);
  int pid = Spawn(argv, out_file, err_file);
  int status = WaitFor(pid);
  return {status, ReadFile(out_file) + ReadFile(err_file)};
}

std::string SampleStatement(const std::string& actor_mbox, const std::string& verb, const std::string& activity) {
  return R"({"actor":{"objectType":"Agent","name":"Learner","mbox":")" + actor_mbox + R"("},"verb":{"id":")" + verb +
         R"(","display":{"en-US":"completed"}},"object":{"objectType":"Activity","id":")" + activity +
         R"(","definition":{"name":{"en-US":"Sample"}}}})";
}

std::string NewUuidString() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::uniform_int_distribution<int> hex(0, 15);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
  for (char& c : s) {
    if (c == 'x') c = kHex[hex(rng)];
    else if (c == 'y') c = kHex[8 + hex(rng) % 4];
  }
  return s;
}

std::string UrlEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace lrsd::testkit
