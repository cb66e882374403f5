// Windows: threads whose stack size is a reservation (CreateThread would otherwise
// commit it all up front), exact stack bounds, park/wake with WaitOnAddress (Windows
// 8+), symbols of whichever loaded module exports Node-API (node.exe, electron.exe, or a
// node.dll), and the stack tools of the main-stack mirror (MSVC, clang-cl or mingw-w64).
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <intrin.h>
#include <malloc.h>
#include <psapi.h>

#include <cerrno>
#include <vector>

#include "platform.h"

// Windows 10 1803+; older mingw-w64 headers lack the name.
#ifndef CREATE_WAITABLE_TIMER_HIGH_RESOLUTION
#define CREATE_WAITABLE_TIMER_HIGH_RESOLUTION 0x00000002
#endif

namespace tendril::os {

namespace {
struct Start {
  void (*entry)(void*);
  void* arg;
};

DWORD WINAPI Trampoline(LPVOID raw) {
  Start start = *static_cast<Start*>(raw);
  delete static_cast<Start*>(raw);
  start.entry(start.arg);
  return 0;
}

HMODULE FindHostModule() {
  HMODULE exe = GetModuleHandleW(nullptr);
  if (GetProcAddress(exe, "napi_create_function") != nullptr) return exe;
  std::vector<HMODULE> modules(256);
  DWORD needed = 0;
  HANDLE process = GetCurrentProcess();
  while (K32EnumProcessModules(process, modules.data(),
                               static_cast<DWORD>(modules.size() * sizeof(HMODULE)), &needed) &&
         needed > modules.size() * sizeof(HMODULE)) {
    modules.resize(needed / sizeof(HMODULE));
  }
  for (size_t i = 0; i < needed / sizeof(HMODULE); i++) {
    if (GetProcAddress(modules[i], "napi_create_function") != nullptr) return modules[i];
  }
  return exe;
}
}  // namespace

// The module that exports Node-API and V8: node.exe, electron.exe or a node.dll.
// Also used by win_delay_load_hook.cc.
HMODULE HostModule() {
  static HMODULE host = FindHostModule();
  return host;
}

int StartThread(size_t stack_size, void (*entry)(void*), void* arg, Thread* out) {
  auto* start = new Start{entry, arg};
  HANDLE thread = CreateThread(nullptr, stack_size, Trampoline, start,
                               STACK_SIZE_PARAM_IS_A_RESERVATION, nullptr);
  if (thread == nullptr) {
    delete start;
    return EAGAIN;
  }
  out->handle = reinterpret_cast<uintptr_t>(thread);
  return 0;
}

void JoinThread(Thread thread) {
  HANDLE handle = reinterpret_cast<HANDLE>(thread.handle);
  WaitForSingleObject(handle, INFINITE);
  CloseHandle(handle);
}

StackBounds CurrentStackBounds() {
  ULONG_PTR low = 0;
  ULONG_PTR high = 0;
  GetCurrentThreadStackLimits(&low, &high);
  return StackBounds{static_cast<uintptr_t>(low), static_cast<uintptr_t>(high)};
}

void WaitOnWord(std::atomic<uint32_t>* word, uint32_t expected) {
  WaitOnAddress(reinterpret_cast<volatile VOID*>(word), &expected, sizeof(expected), INFINITE);
}

void WakeWord(std::atomic<uint32_t>* word) { WakeByAddressSingle(reinterpret_cast<PVOID>(word)); }

void CpuRelax() { YieldProcessor(); }

void SleepFor(std::chrono::nanoseconds duration) {
  // One timer per thread that sleeps (tendril's monitor thread), made on first use.
  thread_local HANDLE timer = [] {
    HANDLE t = CreateWaitableTimerExW(nullptr, nullptr, CREATE_WAITABLE_TIMER_HIGH_RESOLUTION,
                                      TIMER_ALL_ACCESS);
    return t != nullptr ? t : CreateWaitableTimerExW(nullptr, nullptr, 0, TIMER_ALL_ACCESS);
  }();
  LARGE_INTEGER due;
  due.QuadPart = -static_cast<LONGLONG>((duration.count() + 99) / 100);  // relative, 100 ns units
  if (timer != nullptr && SetWaitableTimer(timer, &due, 0, nullptr, nullptr, FALSE)) {
    WaitForSingleObject(timer, INFINITE);
  } else {
    Sleep(static_cast<DWORD>((duration.count() + 999'999) / 1'000'000));
  }
}

void WriteStderr(const char* text, size_t size) {
  HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
  while (size > 0 && err != nullptr && err != INVALID_HANDLE_VALUE) {
    DWORD written = 0;
    if (!WriteFile(err, text, static_cast<DWORD>(size), &written, nullptr) || written == 0) return;
    text += written;
    size -= written;
  }
}

int CurrentCpu() { return static_cast<int>(GetCurrentProcessorNumber()); }

void* FindHostSymbol(const char* name) {
  return reinterpret_cast<void*>(GetProcAddress(HostModule(), name));
}

#if defined(_MSC_VER) && !defined(__clang__)
#define TENDRIL_NOINLINE __declspec(noinline)
#define TENDRIL_NO_SANITIZE __declspec(no_sanitize_address)
#define TENDRIL_FRAME_ADDRESS() _AddressOfReturnAddress()
#else
#define TENDRIL_NOINLINE __attribute__((noinline))
#define TENDRIL_NO_SANITIZE __attribute__((no_sanitize("address")))
#define TENDRIL_FRAME_ADDRESS() __builtin_frame_address(0)
#endif

TENDRIL_NOINLINE uintptr_t CurrentStackPosition() {
  // In this function's own frame, below its caller's.
  return reinterpret_cast<uintptr_t>(TENDRIL_FRAME_ADDRESS());
}

TENDRIL_NOINLINE void RunBelowStackReserve(size_t bytes, void (*fn)(void*, void*), void* arg) {
  // _alloca probes the pages it reserves, committing them.
  void* volatile region = bytes == 0 ? nullptr : _alloca(bytes);
  fn(region, arg);
  // The region must outlive fn: reading the volatile after the call keeps this call from
  // becoming a tail call.
  (void)region;
}

TENDRIL_NO_SANITIZE void CopyStackRegion(void* to, const void* from, size_t bytes) {
  auto* out = static_cast<uintptr_t*>(to);
  auto* in = static_cast<const volatile uintptr_t*>(from);
  for (size_t i = 0; i < bytes / sizeof(uintptr_t); i++) out[i] = in[i];
}

}  // namespace tendril::os
