// A one-shot wake-up between two threads: the parked thread spins briefly (the
// handoff partner usually answers within a microsecond), then sleeps on a futex.
#pragma once

#include <atomic>
#include <cstdint>

#include "platform.h"

namespace tendril {

class Baton {
 public:
  // Wakes the thread parked in Wait (or lets its next Wait return at once).
  void Post() {
    if (state_.exchange(kPosted, std::memory_order_acq_rel) == kSleeping) {
      os::WakeWord(&state_);
    }
  }

  // Returns once Post has been called, consuming it.
  void Wait(int spins) {
    for (int i = 0; i < spins; i++) {
      if (state_.load(std::memory_order_acquire) == kPosted) {
        state_.store(kIdle, std::memory_order_relaxed);
        return;
      }
      os::CpuRelax();
    }
    uint32_t expected = kIdle;
    if (state_.compare_exchange_strong(expected, kSleeping, std::memory_order_acq_rel)) {
      while (state_.load(std::memory_order_acquire) == kSleeping) {
        os::WaitOnWord(&state_, kSleeping);
      }
    }
    state_.store(kIdle, std::memory_order_relaxed);
  }

 private:
  static constexpr uint32_t kIdle = 0;
  static constexpr uint32_t kSleeping = 1;
  static constexpr uint32_t kPosted = 2;
  std::atomic<uint32_t> state_{kIdle};
};

}  // namespace tendril
