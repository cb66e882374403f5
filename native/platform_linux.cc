#include "platform.h"

#include <dlfcn.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>


namespace tendril::os {

namespace {
struct Start {
  void (*entry)(void*);
  void* arg;
};

void* Trampoline(void* raw) {
  Start start = *static_cast<Start*>(raw);
  delete static_cast<Start*>(raw);
  start.entry(start.arg);
  return nullptr;
}
}  // namespace

int StartThread(size_t stack_size, void (*entry)(void*), void* arg, Thread* out) {
  pthread_attr_t attr;
  int rc = pthread_attr_init(&attr);
  if (rc != 0) return rc;
  rc = pthread_attr_setstacksize(&attr, stack_size);
  if (rc == 0) {
    auto* start = new Start{entry, arg};
    pthread_t thread;
    rc = pthread_create(&thread, &attr, Trampoline, start);
    if (rc == 0) {
      out->handle = static_cast<uintptr_t>(thread);
    } else {
      delete start;
    }
  }
  pthread_attr_destroy(&attr);
  return rc;
}

void JoinThread(Thread thread) {
  pthread_join(static_cast<pthread_t>(thread.handle), nullptr);
}

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

void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

void* FindHostSymbol(const char* name) { return dlsym(RTLD_DEFAULT, name); }

}  // namespace tendril::os
