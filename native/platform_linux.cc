// Linux: exact stack bounds from glibc, park/wake on a private futex, the current CPU.
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "glibc_compat.h"
#include "platform.h"

namespace tendril::os {

StackBounds CurrentStackBounds() {
  pthread_attr_t attr;
  void* addr = nullptr;
  size_t size = 0;
  pthread_getattr_np(pthread_self(), &attr);
  pthread_attr_getstack(&attr, &addr, &size);
  pthread_attr_destroy(&attr);
  uintptr_t low = reinterpret_cast<uintptr_t>(addr);
  return StackBounds{low, low + size};
}

void WaitOnWord(std::atomic<uint32_t>* word, uint32_t expected) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected,
          nullptr, nullptr, 0);
}

void WakeWord(std::atomic<uint32_t>* word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE, 1, nullptr,
          nullptr, 0);
}

// glibc 2.35+ reads it from the rseq area the kernel keeps up to date (a few ns);
// older ones from the vDSO.
int CurrentCpu() { return sched_getcpu(); }

}  // namespace tendril::os
