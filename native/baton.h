// A one-shot wake-up between two threads: the parked thread spins for a while (a partner
// running on another CPU usually answers within a microsecond or two), then sleeps on a
// futex. How long to spin is the caller's decision (spin_policy.h).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "platform.h"

namespace tendril {

class Baton {
 public:
  // How a Wait ended.
  enum class Outcome {
    kCaught,     // the post arrived while this thread was spinning
    kSlept,      // it arrived after the spin (or there was none): this thread slept
    kPreempted,  // the spin was cut short: this thread lost its CPU while spinning
  };

  // Wakes the thread parked in Wait (or lets its next Wait return at once). Returns
  // true when that thread was asleep, i.e. it still has to be scheduled.
  bool Post() {
    if (state_.exchange(kPosted, std::memory_order_acq_rel) == kSleeping) {
      os::WakeWord(&state_);
      return true;
    }
    return false;
  }

  using Clock = std::chrono::steady_clock;

  // Returns once Post has been called, consuming it: spins for up to `spin` from
  // `start` (a clock reading taken just before), then sleeps. Sets `*end` to about when
  // the post was seen (on a catch, the last reading of the spin: no clock read between
  // the catch and the caller's work). A spin that finds this thread was off its CPU
  // for a while stops at once: the CPU is contended, and a spinner that is not running
  // only delays its partner.
  Outcome Wait(std::chrono::nanoseconds spin, Clock::time_point start, Clock::time_point* end) {
    if (spin.count() > 0) {
      Clock::time_point last = start;
      const Clock::time_point deadline = start + spin;
      for (;;) {
        for (int i = 0; i < kPausesPerClockRead; i++) {
          if (state_.load(std::memory_order_acquire) == kPosted) {
            state_.store(kIdle, std::memory_order_relaxed);
            *end = last;
            return Outcome::kCaught;
          }
          os::CpuRelax();
        }
        const Clock::time_point now = Clock::now();
        if (now - last >= kDescheduled) return Sleep(Outcome::kPreempted, end);
        if (now >= deadline) break;
        last = now;
      }
    }
    return Sleep(Outcome::kSlept, end);
  }

 private:
  static constexpr uint32_t kIdle = 0;
  static constexpr uint32_t kSleeping = 1;
  static constexpr uint32_t kPosted = 2;
  // A clock read costs about as much as one pause; reading it every few pauses keeps
  // the budget accurate to a fraction of a microsecond.
  static constexpr int kPausesPerClockRead = 8;
  // Far more than a few pauses take: a gap this long between two clock reads means
  // this thread was descheduled in between.
  static constexpr std::chrono::microseconds kDescheduled{30};

  Outcome Sleep(Outcome outcome, Clock::time_point* end) {
    uint32_t expected = kIdle;
    if (state_.compare_exchange_strong(expected, kSleeping, std::memory_order_acq_rel)) {
      while (state_.load(std::memory_order_acquire) == kSleeping) {
        os::WaitOnWord(&state_, kSleeping);
      }
    }
    state_.store(kIdle, std::memory_order_relaxed);
    *end = Clock::now();
    return outcome;
  }

  std::atomic<uint32_t> state_{kIdle};
};

}  // namespace tendril
