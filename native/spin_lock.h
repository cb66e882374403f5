// A lock for data the monitor thread shares with V8's threads for a few instructions
// at a time (settings, a report's first line). Not std::mutex: mingw-w64's default
// (win32) thread model has none.
#pragma once

#include <atomic>

#include "platform.h"

namespace tendril {

class SpinLock {
 public:
  void lock() {
    while (flag_.test_and_set(std::memory_order_acquire)) os::CpuRelax();
  }
  void unlock() { flag_.clear(std::memory_order_release); }

 private:
  std::atomic_flag flag_ = ATOMIC_FLAG_INIT;
};

}  // namespace tendril
