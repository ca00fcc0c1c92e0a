// Hands out stored sequence numbers and knows which are still being written, so that
// consistent-through never claims a statement that is not yet visible.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

namespace lrsd::store {

class Tracker {
 public:
  // A block of `count` sequence numbers, strictly above every earlier one and >= now (µs).
  std::pair<std::uint64_t, std::uint64_t> Reserve(std::uint64_t count);
  // The block starting at `first` is written (or abandoned).
  void Release(std::uint64_t first);
  // Every sequence at or below this is either stored and visible or will never be used.
  std::uint64_t Watermark();
  // Whether `seq` (reserved) is in no block still in flight: its write was acknowledged (or
  // abandoned). Lets a statement be read by id as soon as it is acknowledged, even while an
  // earlier reservation holds the watermark below it.
  bool Settled(std::uint64_t seq);
  // Raises the floor (on open: the last stored sequence).
  void Observe(std::uint64_t seq);
  // Runs `f(highest)` with reservations held off: every reservation after it is above `highest`.
  template <class F>
  std::uint64_t Fence(F&& f) {
    std::lock_guard lock(mu_);
    f(last_);
    return last_;
  }

 private:
  std::mutex mu_;
  std::uint64_t last_ = 0;
  std::map<std::uint64_t, std::uint64_t> in_flight_;  // first -> count
};

}  // namespace lrsd::store
