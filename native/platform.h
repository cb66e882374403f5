// The OS-specific pieces of the switching core: threads with a chosen stack size,
// the bounds of the calling thread's stack, park/wake on a 32-bit word, symbols of the
// host process, and the stack tools of the main-stack mirror (gc_guard.h). platform_posix.cc (with platform_linux.cc or platform_mac.cc) and
// platform_win.cc implement them.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace tendril::os {

struct Thread {
  uintptr_t handle = 0;
};

// Starts entry(arg) on a new thread whose stack is `stack_size` bytes (rounded up to
// whole pages). Returns 0 or an errno code (EAGAIN when a thread or memory limit is hit).
int StartThread(size_t stack_size, void (*entry)(void*), void* arg, Thread* out);
void JoinThread(Thread thread);

// Lowest and highest usable address of the calling thread's stack.
struct StackBounds {
  uintptr_t low;
  uintptr_t high;
};
StackBounds CurrentStackBounds();
// An address on the calling thread's stack just below the caller's frame: everything
// the caller's frames hold lies between it and CurrentStackBounds().high.
uintptr_t CurrentStackPosition();
// Calls fn(region, arg) with `bytes` (0 for none) of the calling thread's stack reserved
// above fn's frames for as long as fn runs; region is nullptr when bytes is 0.
void RunBelowStackReserve(size_t bytes, void (*fn)(void* region, void* arg), void* arg);
// Copies `bytes` of another, parked thread's stack (whole frames, padding and sanitizer
// redzones included, so no sanitizer checks the reads). Both addresses pointer-aligned.
void CopyStackRegion(void* to, const void* from, size_t bytes);

// Sleeps while *word == expected (may return spuriously); Wake wakes one sleeper.
void WaitOnWord(std::atomic<uint32_t>* word, uint32_t expected);
void WakeWord(std::atomic<uint32_t>* word);
// Tells the CPU this thread is spinning (x86 pause, arm64 yield).
void CpuRelax();
// The CPU the calling thread runs on, or -1 where the OS cannot say cheaply.
int CurrentCpu();

// Sleeps for about `duration` (to the millisecond or better: timer slack on POSIX, a
// high-resolution waitable timer on Windows 10 1803+, where plain Sleep() rounds up to
// the 15.6 ms clock tick).
void SleepFor(std::chrono::nanoseconds duration);

// Writes `size` bytes to the process's standard error, bypassing anything JavaScript
// has layered over it (for reports made while JavaScript cannot run).
void WriteStderr(const char* text, size_t size);

// Address of a symbol the host process (node, electron) exports, or nullptr.
void* FindHostSymbol(const char* name);

}  // namespace tendril::os
