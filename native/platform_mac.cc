// macOS: stack bounds from the pthread extensions; park/wake through C++20's
// atomic wait, which libc++ builds on the kernel's __ulock calls (macOS 11+).
#include <pthread.h>

#include "platform.h"

namespace tendril::os {

StackBounds CurrentStackBounds() {
  pthread_t self = pthread_self();
  // pthread_get_stackaddr_np gives the top: stacks grow down.
  uintptr_t high = reinterpret_cast<uintptr_t>(pthread_get_stackaddr_np(self));
  return StackBounds{high - pthread_get_stacksize_np(self), high};
}

void WaitOnWord(std::atomic<uint32_t>* word, uint32_t expected) { word->wait(expected); }

void WakeWord(std::atomic<uint32_t>* word) { word->notify_one(); }

// macOS has no cheap, documented call for it: the spin policy then does without.
int CurrentCpu() { return -1; }

}  // namespace tendril::os
