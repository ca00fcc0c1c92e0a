// Process gauges from /proc/self (Linux), as the Prometheus client libraries name them.
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "lrsd/ops.h"

namespace lrsd::ops {
namespace {

const auto kStarted = std::chrono::steady_clock::now();

std::string ReadAll(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Seconds since the Unix epoch at which the system booted (/proc/stat btime).
double BootTime() {
  std::istringstream in(ReadAll("/proc/stat"));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("btime ", 0) == 0) return std::strtod(line.c_str() + 6, nullptr);
  }
  return 0;
}

}  // namespace

double UptimeSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - kStarted).count();
}

ProcessStatsResult ReadProcessStats() {
  ProcessStatsResult result;
  ProcessStats& s = result.stats;
  const long ticks = sysconf(_SC_CLK_TCK);
  const long page = sysconf(_SC_PAGESIZE);
  bool ok = true;

  // /proc/self/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so the
  // fields are counted from the last ')'. Field 14/15 utime/stime, 20 num_threads,
  // 22 starttime (ticks after boot), 23 vsize (bytes), 24 rss (pages).
  std::string stat = ReadAll("/proc/self/stat");
  std::size_t close = stat.rfind(')');
  if (close != std::string::npos && ticks > 0 && page > 0) {
    std::istringstream in(stat.substr(close + 2));
    std::vector<std::string> f;
    for (std::string field; in >> field;) f.push_back(field);
    // f[0] is field 3 (state).
    auto field = [&](int n) -> unsigned long long {
      std::size_t i = static_cast<std::size_t>(n - 3);
      return i < f.size() ? std::strtoull(f[i].c_str(), nullptr, 10) : 0;
    };
    if (f.size() >= 22) {
      s.cpu_seconds = static_cast<double>(field(14) + field(15)) / static_cast<double>(ticks);
      s.threads = field(20);
      s.start_time_seconds = BootTime() + static_cast<double>(field(22)) / static_cast<double>(ticks);
      s.virtual_bytes = field(23);
      s.resident_bytes = field(24) * static_cast<unsigned long long>(page);
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }

  if (DIR* dir = opendir("/proc/self/fd")) {
    std::uint64_t n = 0;
    while (const dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') ++n;
    }
    closedir(dir);
    s.open_fds = n > 0 ? n - 1 : 0;  // minus the descriptor opendir itself holds
  } else {
    ok = false;
  }

  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    s.max_fds = limit.rlim_cur == RLIM_INFINITY ? 0 : static_cast<std::uint64_t>(limit.rlim_cur);
  }
  result.ok = ok;
  return result;
}

}  // namespace lrsd::ops
