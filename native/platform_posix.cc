// Threads, host symbols and the stack tools of the main-stack mirror on POSIX systems
// (Linux, macOS; GCC or Clang). Stack bounds and park/wake differ between them:
// platform_linux.cc, platform_mac.cc.
#include <alloca.h>
#include <dlfcn.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "glibc_compat.h"
#include "platform.h"

namespace tendril::os {

namespace {
struct Start {
  void (*entry)(void*);
  void* arg;
};

// pthread_t is an integer on Linux and a pointer on macOS.
static_assert(sizeof(pthread_t) <= sizeof(uintptr_t), "pthread_t does not fit Thread::handle");

void* Trampoline(void* raw) {
  Start start = *static_cast<Start*>(raw);
  delete static_cast<Start*>(raw);
  start.entry(start.arg);
  return nullptr;
}
}  // namespace

int StartThread(size_t stack_size, void (*entry)(void*), void* arg, Thread* out) {
  // macOS refuses a size that is not a whole number of pages.
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  stack_size = (stack_size + page - 1) / page * page;
  pthread_attr_t attr;
  int rc = pthread_attr_init(&attr);
  if (rc != 0) return rc;
  rc = pthread_attr_setstacksize(&attr, stack_size);
  if (rc == 0) {
    auto* start = new Start{entry, arg};
    pthread_t thread;
    rc = pthread_create(&thread, &attr, Trampoline, start);
    if (rc == 0) {
      std::memcpy(&out->handle, &thread, sizeof thread);
    } else {
      delete start;
    }
  }
  pthread_attr_destroy(&attr);
  return rc;
}

void JoinThread(Thread thread) {
  pthread_t handle;
  std::memcpy(&handle, &thread.handle, sizeof handle);
  pthread_join(handle, nullptr);
}

void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  asm volatile("yield");
#endif
}

void SleepFor(std::chrono::nanoseconds duration) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration);
  timespec left{static_cast<time_t>(seconds.count()),
                static_cast<long>((duration - seconds).count())};
  while (nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
}

void WriteStderr(const char* text, size_t size) {
  while (size > 0) {
    ssize_t n = write(STDERR_FILENO, text, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text += n;
    size -= static_cast<size_t>(n);
  }
}

void* FindHostSymbol(const char* name) { return dlsym(RTLD_DEFAULT, name); }

__attribute__((noinline)) uintptr_t CurrentStackPosition() {
  // This function's own frame is below its caller's (and never in a sanitizer's fake
  // stack, as a local variable might be).
  return reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
}

__attribute__((noinline)) void RunBelowStackReserve(size_t bytes, void (*fn)(void*, void*),
                                                    void* arg) {
  void* region = bytes == 0 ? nullptr : alloca(bytes);
  fn(region, arg);
  // The region must outlive fn: keep this call from becoming a tail call.
  asm volatile("" : : "r"(region) : "memory");
}

__attribute__((no_sanitize_address)) void CopyStackRegion(
    void* to, const void* from, size_t bytes) {
  auto* out = static_cast<uintptr_t*>(to);
  auto* in = static_cast<const volatile uintptr_t*>(from);
  for (size_t i = 0; i < bytes / sizeof(uintptr_t); i++) out[i] = in[i];
}

}  // namespace tendril::os
