#include "gc_guard.h"

#include <chrono>
#include <cstring>

#include "platform.h"

namespace tendril {

namespace {
// v8::GCType (the same values from V8 11 to 14).
constexpr int kScavenge = 1 << 0;
constexpr int kMinorMarkSweep = 1 << 1;
constexpr int kMarkSweepCompact = 1 << 2;
constexpr int kAll = (1 << 5) - 1;
// Collections that scan cppgc roots on the stack (minor mark-sweep does with cppgc's
// young generation).
constexpr int kScansCppStack = kMarkSweepCompact | kMinorMarkSweep;

// The mirror of the calling carrier: a buffer in its outermost frame.
struct Mirror {
  unsigned char* base = nullptr;
  size_t capacity = 0;
  size_t used = 0;  // bytes of the last copy, zeroed before a shorter one
};

thread_local Mirror t_mirror;
thread_local std::chrono::steady_clock::time_point t_started;

struct CarrierStart {
  void (*entry)(void*);
  void* arg;
  size_t mirror_bytes;
};

void RunBelowMirror(void* region, void* raw) {
  auto* start = static_cast<CarrierStart*>(raw);
  t_mirror = Mirror{static_cast<unsigned char*>(region), region ? start->mirror_bytes : 0, 0};
  start->entry(start->arg);
  t_mirror = Mirror{};
}
}  // namespace

GcGuard::GcGuard(v8api::Isolate* isolate)
    : isolate_(isolate), main_top_(os::CurrentStackBounds().high) {
  if (v8api::HasGcCallbacks()) {
    v8api::AddGcCallbacks(isolate_, Prologue, Epilogue, this, kAll);
    attached_ = true;
  }
}

GcGuard::~GcGuard() { Detach(); }

void GcGuard::Detach() {
  notify_ = nullptr;
  if (!attached_) return;
  v8api::RemoveGcCallbacks(isolate_, Prologue, Epilogue, this);
  attached_ = false;
}

void GcGuard::set_first_carrier_collection(void (*notify)(void*), void* context) {
  notify_ = notify;
  notify_context_ = context;
}

GcStats GcGuard::stats() const {
  GcStats out = stats_;
  out.mirror = mirror();
  return out;
}

GcGuard::MainParked::MainParked(GcGuard& guard, bool main) : guard_(main ? &guard : nullptr) {
  if (guard_ == nullptr) return;
  // A sweep starts only in a collection, whose epilogue observes it: with none under way
  // there is nothing to observe here.
  if (guard_->sweep_pending_) guard_->ObserveSweep();
  guard_->main_running_ = false;
  // Everything from here up stays put while the thread is parked; the frames below
  // (the park itself) do not matter.
  guard_->main_parked_at_ = os::CurrentStackPosition();
}

GcGuard::MainParked::~MainParked() {
  if (guard_ == nullptr) return;
  guard_->main_parked_at_ = 0;
  if (guard_->sweep_pending_) guard_->ObserveSweep();
  guard_->NotifyIfOnCarrier();
  guard_->main_running_ = true;
}

void GcGuard::RunCarrier(void (*entry)(void*), void* arg) {
  CarrierStart start{entry, arg, carrier_stack_extra()};
  os::RunBelowStackReserve(start.mirror_bytes, RunBelowMirror, &start);
}

// A sweep ends (its remaining destructors run) on the thread that finishes it: a
// collection or incremental marking starting, an allocation, a task. Observed at every
// collection and at every park and resume of the main thread, it is put down to the main
// thread or to carriers by which of them held V8 since the observation before.
void GcGuard::ObserveSweep() {
  bool sweeping = v8api::CppHeapSweeping(isolate_);
  if (sweep_pending_ && !sweeping) Work().sweeps++;
  sweep_pending_ = sweeping;
}

// The first full collection or finished sweep on a carrier: the warning (called from
// inside a collection or on the main thread, never into V8).
void GcGuard::NotifyIfOnCarrier() {
  if (notify_ == nullptr || (stats_.carriers.full == 0 && stats_.carriers.sweeps == 0)) return;
  if (!notified_.exchange(true)) notify_(notify_context_);
}

// Runs on the thread that holds V8, before the collection (and before V8 marks the
// stack range it will scan).
void GcGuard::Prologue(v8api::Isolate*, int type, int, void* data) {
  auto* self = static_cast<GcGuard*>(data);
  self->ObserveSweep();
  if (type & (kScavenge | kMinorMarkSweep)) self->Work().minor++;
  if (type & kMarkSweepCompact) self->Work().full++;
  // Only a carrier has a mirror (while the main thread is parked).
  if ((type & kScansCppStack) != 0 && t_mirror.base != nullptr) self->MirrorMainStack();
  self->NotifyIfOnCarrier();
  t_started = std::chrono::steady_clock::now();
}

void GcGuard::Epilogue(v8api::Isolate*, int type, int, void* data) {
  auto* self = static_cast<GcGuard*>(data);
  self->ObserveSweep();
  self->NotifyIfOnCarrier();
  if ((type & (kScavenge | kMinorMarkSweep | kMarkSweepCompact)) == 0) return;
  auto spent = std::chrono::steady_clock::now() - t_started;
  self->Work().micros += std::chrono::duration_cast<std::chrono::microseconds>(spent).count();
}

// Copies the parked main thread's stack, from where it parked up to its top, into this
// carrier's mirror. The main thread is parked (this thread holds V8), so its stack there
// does not change until it is handed V8 again.
void GcGuard::MirrorMainStack() {
  Mirror& mirror = t_mirror;
  size_t bytes = 0;
  uintptr_t from = main_parked_at_;
  if (from != 0 && from < main_top_) {
    bytes = main_top_ - from;
    if (bytes > mirror.capacity) {
      bytes = mirror.capacity;
      stats_.mirror_truncated++;
    }
    auto started = std::chrono::steady_clock::now();
    os::CopyStackRegion(mirror.base, reinterpret_cast<const void*>(from), bytes);
    auto spent = std::chrono::steady_clock::now() - started;
    stats_.mirror_nanos += std::chrono::duration_cast<std::chrono::nanoseconds>(spent).count();
    stats_.mirror_copies++;
    stats_.mirror_bytes = bytes;
  }
  // A longer earlier copy would keep what it saw alive.
  if (mirror.used > bytes) std::memset(mirror.base + bytes, 0, mirror.used - bytes);
  mirror.used = bytes;
}

}  // namespace tendril
