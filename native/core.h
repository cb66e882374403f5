// Per-environment switching core. Every greenlet but the main one runs on a carrier
// thread; exactly one thread of the isolate runs at a time, holding the V8 lock, and
// a switch hands the lock to the target thread and parks the caller (DESIGN.md).
// Every method is called by the thread that holds the V8 lock.
#pragma once

#include <node_api.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "baton.h"
#include "monitor.h"
#include "gc_guard.h"
#include "platform.h"
#include "spin_policy.h"
#include "v8_api.h"

namespace tendril {

// Outcome of a switch requested from JavaScript, in mailbox[1]: a Wake, or one of these.
constexpr int32_t kRefusedShuttingDown = -1;
constexpr int32_t kRefusedBadTarget = -2;
constexpr int32_t kRefusedNoStack = -3;

// Why a parked thread was woken.
enum class Wake : int32_t {
  kResume = 0,     // a greenlet switched to it
  kBoot = 1,       // a new greenlet starts on this carrier
  kUnwind = 2,     // teardown: the suspended greenlet must unwind
  kExit = 3,       // an idle carrier leaves
  kTerminate = 4,  // execution was terminated on the carrier that handed over
  kInspect = 5,    // another greenlet reads this one's stack (core_debug.cc)
};

class Core;

struct Carrier {
  // What the thread handing over touches, together: one cache line to fetch.
  Baton baton;
  Wake wake = Wake::kResume;  // written by the waker before Post
  // The CPU this thread was on when it last parked (-1: unknown). Only a hint, read by
  // the thread that hands over to it.
  std::atomic<int32_t> cpu{-1};
  Core* core = nullptr;
  int32_t id = 0;
  bool bound = false;       // runs (or will run) a greenlet
  bool fresh = false;       // bound but not yet booted
  os::Thread thread;
  uintptr_t stack_low = 0;  // filled in by the carrier thread itself
  SpinPolicy spin;          // how long this thread spins when it parks
};

class Core {
 public:
  static constexpr int32_t kMainId = 0;

  Core(napi_env env, v8api::Isolate* isolate);
  ~Core();

  void Configure(napi_ref boot, napi_ref error_class, size_t stack_size, size_t max_idle,
                 bool mirror_main_stack);
  // Binds a carrier (from the idle pool, or a new thread) to a greenlet about to start.
  // Returns its id, or -errno when no thread could be created.
  int32_t Acquire();
  // Hands V8 to carrier `target` and parks, waiting for `kind`, until someone hands
  // it back.
  Wake SwitchTo(int32_t target, WaitKind kind);
  // The switch as JavaScript calls it: target id in mailbox[0], the kind of wait in
  // mailbox[2] (a greenlet waiting for kCall asks the main greenlet to serve its onMain()
  // call), outcome in mailbox[1].
  void SwitchFromJs();
  void set_mailbox(int32_t* mailbox) { mailbox_ = mailbox; }
  // The core of the environment whose JavaScript runs on this thread.
  static Core* ForThisThread();
  // Environment cleanup: unwinds every suspended carrier and joins every thread.
  void Teardown();

  // The JavaScript stack of greenlet `id` (stack_trace.h): the running one's, or a parked
  // one's, read by its own thread (core_debug.cc). False when `id` is neither.
  bool StackOf(int32_t id, std::string* out);
  // Profiling and blocking reports (monitor.h); `internal_prefix` starts the paths of
  // tendril's own scripts, left out of the stacks.
  void ConfigureMonitor(const Monitor::Settings& settings, std::string internal_prefix);
  Monitor& monitor() { return monitor_; }
  const std::string& internal_prefix() const { return internal_prefix_; }

  bool IsValidTarget(int32_t id) const;
  bool tearing_down() const { return tearing_down_; }
  int32_t current_id() const { return current_->id; }
  size_t live_threads() const;
  size_t idle_threads() const { return idle_.size(); }
  napi_env env() const { return env_; }
  napi_ref error_class() const { return error_class_; }
  GcGuard& gc_guard() { return gc_guard_; }

 private:
  static void CarrierEntry(void* arg);
  static void CarrierMain(void* arg);
  // Where a carrier hands V8 when its greenlet has ended, and whether it stays pooled.
  struct Ending {
    Carrier* next;
    Wake how;
    bool pooled;
  };
  Ending RunGreenlet(Carrier* self);
  int32_t CallBoot();
  bool Retire(Carrier* self);
  void JoinExited();
  // Wakes `target` for `how`; returns true when it was asleep.
  bool HandOver(Carrier* target, Wake how);
  // Wakes `target` for `how`, then parks `self`, waiting for `kind`, until it is
  // handed V8 again. Called without the V8 lock.
  void HandOverAndPark(Carrier* self, Carrier* target, Wake how, WaitKind kind);
  // Parks `self` until it is handed V8 again. `self_cpu` is where it runs; the partner
  // is the carrier it handed over to: where that one last parked and whether it was
  // asleep.
  void Park(Carrier* self, int self_cpu, int partner_cpu, bool partner_was_asleep, WaitKind kind);
  // Hands V8 to `target`, woken for `how`, and parks, waiting for `kind`, until this
  // thread has V8 again.
  void PassV8(Carrier* self, Carrier* target, Wake how, WaitKind kind);
  // A parked greenlet woken with kInspect: takes its stack for the reader, hands V8 back
  // and parks again, waiting for `kind` as before (core_debug.cc).
  void ServeInspection(Carrier* self, WaitKind kind);

  napi_env env_;
  v8api::Isolate* isolate_;
  GcGuard gc_guard_;  // [gc_guard] collections on carriers (gc_guard.h)
  const bool async_context_ = v8api::HasContinuationData();
  napi_ref boot_ = nullptr;
  napi_ref error_class_ = nullptr;
  int32_t* mailbox_ = nullptr;
  size_t stack_size_ = 0;
  size_t max_idle_ = 0;
  std::vector<std::unique_ptr<Carrier>> carriers_;  // index is the id; [0] is main
  std::vector<int32_t> free_ids_;
  std::vector<Carrier*> idle_;
  std::vector<std::unique_ptr<Carrier>> exited_;  // threads that left, to be joined
  Carrier* current_ = nullptr;
  bool tearing_down_ = false;
  Monitor monitor_;
  std::string internal_prefix_;
  // The stack reading in progress: who waits for it, and where it goes.
  struct {
    Carrier* reader = nullptr;
    std::string* out = nullptr;
  } inspection_;
};

}  // namespace tendril
