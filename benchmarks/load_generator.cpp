// Load generator: C keep-alive connections (one thread each) drive a running lrsd for D seconds
// and report throughput and latency percentiles. Start lrsd first, e.g.
//   build/lrsd serve --data /tmp/bench --http 127.0.0.1:8080
//   build-bench/benchmarks/load_generator --url http://127.0.0.1:8080 --key K --secret S
//       --scenario post --connections 16 --batch 1 --seconds 10
// Scenarios: post (POST statements, `batch` per request), get (GET one statement by id),
// query (GET ?agent=…&limit=10), state (PUT a State document).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "testkit/testkit.h"

using lrsd::testkit::Client;
using Clock = std::chrono::steady_clock;

namespace {

std::string Arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == "--" + name) return argv[i + 1];
  }
  return fallback;
}

std::string Statement(int thread, long n) {
  return R"({"actor":{"objectType":"Agent","name":"Learner )" + std::to_string(thread) + R"(","mbox":"mailto:learner)" +
         std::to_string(thread) + "-" + std::to_string(n % 1000) +
         R"(@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed","display":{"en-US":"completed"}},"object":{"objectType":"Activity","id":"http://example.com/courses/)" +
         std::to_string(n % 200) +
         R"(","definition":{"name":{"en-US":"Course"},"type":"http://adlnet.gov/expapi/activities/course"}},"result":{"score":{"scaled":0.9},"success":true,"duration":"PT12M"},"context":{"registration":"6fbd600f-d17c-4c74-801a-2ec2e53231f7","contextActivities":{"parent":[{"id":"http://example.com/programs/onboarding"}]}}})";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string url = Arg(argc, argv, "url", "http://127.0.0.1:8080");
  const std::string key = Arg(argc, argv, "key", "");
  const std::string secret = Arg(argc, argv, "secret", "");
  const std::string scenario = Arg(argc, argv, "scenario", "post");
  const int connections = std::stoi(Arg(argc, argv, "connections", "16"));
  const int batch = std::stoi(Arg(argc, argv, "batch", "1"));
  const int seconds = std::stoi(Arg(argc, argv, "seconds", "10"));

  // Seed one statement for the read scenarios.
  Client seed(url, key, secret);
  auto seeded = seed.PostJson("/xapi/statements", Statement(0, 0));
  if (seeded.status != 200) {
    std::fprintf(stderr, "seed POST failed: %d %s\n", seeded.status, seeded.body.c_str());
    return 1;
  }
  const std::string seed_id = seeded.Json()[0].GetString();

  std::atomic<bool> stop{false};
  std::atomic<long> requests{0}, statements{0}, errors{0};
  std::mutex mu;
  std::vector<double> latencies;
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      Client client(url, key, secret);
      std::vector<double> mine;
      long n = 0;
      while (!stop) {
        std::string target, body, method = "GET";
        if (scenario == "post") {
          method = "POST";
          target = "/xapi/statements";
          body = "[";
          for (int b = 0; b < batch; ++b) body += (b ? "," : "") + Statement(t, n++);
          body += "]";
        } else if (scenario == "get") {
          target = "/xapi/statements?statementId=" + seed_id;
        } else if (scenario == "query") {
          target = "/xapi/statements?limit=10&agent=" +
                   lrsd::testkit::UrlEncode(R"({"mbox":"mailto:learner0-0@example.com"})");
        } else if (scenario == "state") {
          method = "PUT";
          target = "/xapi/activities/state?activityId=http%3A%2F%2Fexample.com%2Fcourses%2F1&agent=" +
                   lrsd::testkit::UrlEncode(R"({"mbox":"mailto:learner)" + std::to_string(t) + R"(@example.com"})") +
                   "&stateId=suspend-data";
          body = R"({"location":")" + std::to_string(n++) + R"("})";
        }
        const auto t0 = Clock::now();
        std::map<std::string, std::string> headers;
        if (!body.empty()) headers["Content-Type"] = "application/json";
        auto r = client.Request(method, target, body, headers);
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (r.status >= 400) {
          errors++;
        } else {
          requests++;
          if (scenario == "post") statements += batch;
        }
      }
      std::lock_guard lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) { return latencies.empty() ? 0.0 : latencies[static_cast<std::size_t>(p * (latencies.size() - 1))]; };
  std::printf("scenario=%s connections=%d batch=%d seconds=%.1f\n", scenario.c_str(), connections, batch, elapsed);
  std::printf("requests/s=%.0f statements/s=%.0f errors=%ld\n", requests / elapsed, statements / elapsed, errors.load());
  std::printf("latency ms: p50=%.2f p90=%.2f p99=%.2f max=%.2f\n", pct(0.5), pct(0.9), pct(0.99), pct(1.0));
  return errors > 0 ? 2 : 0;
}
