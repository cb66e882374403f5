// Garbage collection on carrier threads (issue 11). A collection runs on the thread that
// holds V8 when it is triggered, so greenlets' allocations make collections run on their
// carriers. For an embedder whose C++ objects live on V8's C++ heap (cppgc; Electron's
// gin::Wrappable objects) two things follow:
//
// - cppgc scans the stack conservatively only from the collecting thread's stack pointer
//   to the stack start that thread's Isolate::Enter() recorded (its stack's top; V8's
//   heap::base::Stack, MarkerBase::VisitLocalRoots). A frame of the main thread that holds
//   a cppgc object only by a raw pointer while it calls JavaScript that switches to a
//   greenlet is not scanned by a collection on the carrier, and the object is freed under
//   it. The mirror fixes that: when a collection that scans cppgc roots starts on a
//   carrier (its GC prologue callback, before V8 sets the scan's stack marker), the main
//   thread's parked stack is copied into a buffer reserved in the carrier's outermost
//   frame, which lies inside the scanned range. Registers need no copy: V8's JSEntry
//   pushes the callee-saved registers of the C++ frame that called into JavaScript.
// - The finalizers of objects that die (pre-finalizers and first-pass weak callbacks in
//   the atomic pause; destructors when the sweep is finished) run on the thread that
//   does that work. V8's public API offers no way to move that work to the main thread at
//   a cost worth paying (bench/NOTES.md, "Garbage collection on carriers"): it is counted
//   here, for stats() and for the warning Electron apps get in development.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "v8_api.h"

namespace tendril {

// Work of collections, by the thread that did it.
struct GcWork {
  uint64_t full = 0;       // mark-compact atomic pauses (pre-finalizers, weak callbacks)
  uint64_t minor = 0;      // scavenges and minor mark-sweeps
  uint64_t sweeps = 0;     // cppgc sweeps finished here (destructors ran here)
  uint64_t micros = 0;     // time inside those collections
};

struct GcStats {
  GcWork main;
  GcWork carriers;
  bool mirror = false;           // whether carriers mirror the main thread's stack
  uint64_t mirror_copies = 0;    // main stacks copied into a carrier's mirror
  uint64_t mirror_truncated = 0; // copies that kept only the innermost kMirrorBytes
  uint64_t mirror_bytes = 0;     // size of the last copy
  uint64_t mirror_nanos = 0;     // time spent copying
};

class GcGuard {
 public:
  // The main thread's stack may be mirrored up to this depth (from its parked stack
  // pointer up); a deeper stack is mirrored from the innermost frames out.
  static constexpr size_t kMirrorBytes = 128 * 1024;

  // On the main thread (it records its stack's top).
  explicit GcGuard(v8api::Isolate* isolate);
  ~GcGuard();
  GcGuard(const GcGuard&) = delete;
  GcGuard& operator=(const GcGuard&) = delete;

  // Whether carriers started from now on mirror the main thread's stack.
  void set_mirror(bool on) { mirror_.store(on, std::memory_order_relaxed); }
  // Stack a carrier needs on top of its own for the mirror.
  size_t carrier_stack_extra() const { return mirror() ? kMirrorBytes : 0; }
  bool mirror() const { return mirror_.load(std::memory_order_relaxed); }
  // `notify(context)` is called once, the first time a carrier does a full collection or
  // finishes a sweep: from inside that collection, or on the main thread as it resumes.
  // It must not call into V8.
  void set_first_carrier_collection(void (*notify)(void* context), void* context);
  // Environment cleanup: stops watching collections (the isolate may outlive this) and
  // notifying.
  void Detach();
  GcStats stats() const;

  // The main thread, for the scope of its park: records its parked stack.
  class MainParked {
   public:
    MainParked(GcGuard& guard, bool main);
    ~MainParked();
    MainParked(const MainParked&) = delete;
    MainParked& operator=(const MainParked&) = delete;

   private:
    GcGuard* guard_;
  };

  // A carrier thread's outermost frame: runs entry(arg) below its mirror buffer.
  void RunCarrier(void (*entry)(void*), void* arg);

 private:
  static void Prologue(v8api::Isolate* isolate, int type, int flags, void* data);
  static void Epilogue(v8api::Isolate* isolate, int type, int flags, void* data);
  void MirrorMainStack();
  // Where the work since the last observation ran: the main thread while it runs,
  // carriers while it is parked.
  GcWork& Work() { return main_running_ ? stats_.main : stats_.carriers; }
  // Notes a cppgc sweep that ended since the last observation, on Work()'s side.
  void ObserveSweep();
  void NotifyIfOnCarrier();

  v8api::Isolate* isolate_;
  bool attached_ = false;
  // Read by carriers as they start, so atomic (a carrier started just before it changed
  // mirrors or not, whatever its stack size).
  std::atomic<bool> mirror_{false};
  uintptr_t main_top_;
  uintptr_t main_parked_at_ = 0;  // 0 while the main thread runs
  bool main_running_ = true;
  bool sweep_pending_ = false;    // a cppgc sweep was under way at the last observation
  void (*notify_)(void*) = nullptr;
  void* notify_context_ = nullptr;
  std::atomic<bool> notified_{false};
  // Written by whichever thread holds V8; read by stats() under the same lock.
  GcStats stats_;
};

}  // namespace tendril
