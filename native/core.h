// Per-environment switching core. Every greenlet but the main one runs on a carrier
// thread; exactly one thread of the isolate runs at a time, holding the V8 lock, and
// a switch hands the lock to the target thread and parks the caller (DESIGN.md).
// Every method is called by the thread that holds the V8 lock.
#pragma once

#include <node_api.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "baton.h"
#include "gc_guard.h"
#include "platform.h"
#include "v8_api.h"

namespace tendril {

// Outcome of a switch requested from JavaScript, in mailbox[1]: a Wake, or one of these.
constexpr int32_t kRefusedShuttingDown = -1;
constexpr int32_t kRefusedBadTarget = -2;

// Why a parked thread was woken.
enum class Wake : int32_t {
  kResume = 0,     // a greenlet switched to it
  kBoot = 1,       // a new greenlet starts on this carrier
  kUnwind = 2,     // teardown: the suspended greenlet must unwind
  kExit = 3,       // an idle carrier leaves
  kTerminate = 4,  // execution was terminated on the carrier that handed over
};

class Core;

struct Carrier {
  Core* core = nullptr;
  int32_t id = 0;
  Baton baton;
  Wake wake = Wake::kResume;  // written by the waker before Post
  os::Thread thread;
  uintptr_t stack_low = 0;  // filled in by the carrier thread itself
  bool bound = false;       // runs (or will run) a greenlet
  bool fresh = false;       // bound but not yet booted
  // How long this thread spins before sleeping when it parks; adapts (see Core::Park).
  std::chrono::nanoseconds spin{0};
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
  // Hands V8 to carrier `target` and parks until someone hands it back.
  Wake SwitchTo(int32_t target);
  // The switch as JavaScript calls it: target id in mailbox[0], outcome in mailbox[1].
  void SwitchFromJs();
  void set_mailbox(int32_t* mailbox) { mailbox_ = mailbox; }
  // The core of the environment whose JavaScript runs on this thread.
  static Core* ForThisThread();
  // Environment cleanup: unwinds every suspended carrier and joins every thread.
  void Teardown();

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
  bool RunGreenlet(Carrier* self, bool* partner_was_asleep);
  int32_t CallBoot();
  bool Retire(Carrier* self);
  void JoinExited();
  // Wakes `target` for `how`; returns true when it was asleep.
  bool HandOver(Carrier* target, Wake how);
  void Park(Carrier* self, bool partner_was_asleep);

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
};

}  // namespace tendril
