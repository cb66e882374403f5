// A one-shot wake-up between two threads: the parked thread spins for a while (a partner
// running on another CPU usually answers within a microsecond or two), then sleeps on a
// futex.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "platform.h"

namespace tendril {

class Baton {
 public:
  // Wakes the thread parked in Wait (or lets its next Wait return at once). Returns
  // true when that thread was asleep, i.e. it still has to be scheduled.
  bool Post() {
    if (state_.exchange(kPosted, std::memory_order_acq_rel) == kSleeping) {
      os::WakeWord(&state_);
      return true;
    }
    return false;
  }

  // Returns once Post has been called, consuming it: spins for up to `spin`, then
  // sleeps. Returns true when the post arrived within the spin (one noticed only after
  // the deadline means this thread was descheduled while spinning: not a success).
  bool Wait(std::chrono::nanoseconds spin) {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point deadline = Clock::now() + spin;
    for (;;) {
      for (int i = 0; i < kPausesPerClockRead; i++) {
        if (state_.load(std::memory_order_acquire) == kPosted) {
          state_.store(kIdle, std::memory_order_relaxed);
          // Caught late means this thread was descheduled while spinning: no success.
          return Clock::now() < deadline;
        }
        os::CpuRelax();
      }
      if (Clock::now() >= deadline) break;
    }
    uint32_t expected = kIdle;
    if (state_.compare_exchange_strong(expected, kSleeping, std::memory_order_acq_rel)) {
      while (state_.load(std::memory_order_acquire) == kSleeping) {
        os::WaitOnWord(&state_, kSleeping);
      }
    }
    state_.store(kIdle, std::memory_order_relaxed);
    return false;
  }

 private:
  static constexpr uint32_t kIdle = 0;
  static constexpr uint32_t kSleeping = 1;
  static constexpr uint32_t kPosted = 2;
  // A clock read costs about as much as one pause; reading it every few pauses keeps
  // the budget accurate to a fraction of a microsecond.
  static constexpr int kPausesPerClockRead = 8;
  std::atomic<uint32_t> state_{kIdle};
};

}  // namespace tendril
