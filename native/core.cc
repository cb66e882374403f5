#include "core.h"

#include <cerrno>

namespace tendril {

namespace {
// Stack kept below V8's limit on a carrier for native frames (V8 runtime calls, GC,
// this addon). Node keeps 192 KiB on its worker threads; a little more costs nothing.
constexpr uintptr_t kNativeStackReserve = 256 * 1024;
// Stack a carrier's JavaScript must have left to switch away: what runs after it is
// resumed (tendril's own frames up to switch()'s return) must not overflow, or the value
// it was resumed with would be lost to a RangeError.
constexpr uintptr_t kSwitchHeadroom = 16 * 1024;
thread_local Core* t_core = nullptr;
}  // namespace

Core* Core::ForThisThread() { return t_core; }

Core::Core(napi_env env, v8api::Isolate* isolate)
    : env_(env), isolate_(isolate), gc_guard_(isolate), monitor_(isolate) {
  t_core = this;
  auto main = std::make_unique<Carrier>();
  main->core = this;
  main->id = kMainId;
  main->bound = true;
  current_ = main.get();
  carriers_.push_back(std::move(main));
}

Core::~Core() {
  if (boot_ != nullptr) napi_delete_reference(env_, boot_);
  if (error_class_ != nullptr) napi_delete_reference(env_, error_class_);
}

void Core::Configure(napi_ref boot, napi_ref error_class, size_t stack_size,
                     size_t max_idle, bool mirror_main_stack) {
  if (boot_ != nullptr) napi_delete_reference(env_, boot_);
  if (error_class_ != nullptr) napi_delete_reference(env_, error_class_);
  boot_ = boot;
  error_class_ = error_class;
  // [gc_guard] a carrier's stack also holds the main-stack mirror when that is on.
  gc_guard_.set_mirror(mirror_main_stack);
  stack_size += gc_guard_.carrier_stack_extra();
  // Idle carriers with the old stack size leave when it changes.
  max_idle_ = stack_size == stack_size_ ? max_idle : 0;
  stack_size_ = stack_size;
  while (idle_.size() > max_idle_) {
    Carrier* c = idle_.back();
    idle_.pop_back();
    HandOver(c, Wake::kExit);
    exited_.push_back(std::move(carriers_[c->id]));
    free_ids_.push_back(c->id);
  }
  max_idle_ = max_idle;
  JoinExited();
}

bool Core::IsValidTarget(int32_t id) const {
  return id >= 0 && static_cast<size_t>(id) < carriers_.size() && carriers_[id] &&
         carriers_[id]->bound;
}

size_t Core::live_threads() const {
  size_t n = 0;
  for (const auto& c : carriers_) n += (c && c->id != kMainId) ? 1 : 0;
  return n;
}

int32_t Core::Acquire() {
  JoinExited();
  Carrier* c;
  if (!idle_.empty()) {
    c = idle_.back();
    idle_.pop_back();
  } else {
    auto fresh = std::make_unique<Carrier>();
    fresh->core = this;
    int32_t id;
    if (!free_ids_.empty()) {
      id = free_ids_.back();
      free_ids_.pop_back();
    } else {
      id = static_cast<int32_t>(carriers_.size());
      carriers_.emplace_back();
    }
    fresh->id = id;
    int rc = os::StartThread(stack_size_, CarrierEntry, fresh.get(), &fresh->thread);
    if (rc != 0) {
      free_ids_.push_back(id);
      return -rc;
    }
    c = fresh.get();
    carriers_[id] = std::move(fresh);
  }
  c->bound = true;
  c->fresh = true;
  monitor_.StartIfNeeded();  // hook: the monitor thread starts with the first greenlet
  return c->id;
}

bool Core::HandOver(Carrier* target, Wake how) {
  target->wake = how;
  return target->baton.Post();
}

void Core::HandOverAndPark(Carrier* self, Carrier* target, Wake how, WaitKind kind) {
  const int cpu = os::CurrentCpu();
  self->cpu.store(cpu, std::memory_order_relaxed);
  // The target's CPU is read before the post (once woken, a carrier may finish and be
  // freed) and after writing `wake`, which brought that cache line here already.
  target->wake = how;
  const int target_cpu = target->cpu.load(std::memory_order_relaxed);
  const bool was_asleep = target->baton.Post();
  Park(self, cpu, target_cpu, was_asleep, kind);
}

void Core::Park(Carrier* self, int cpu, int partner_cpu, bool partner_was_asleep, WaitKind kind) {
  std::chrono::nanoseconds budget = self->spin.Budget(kind);
  // A partner that is awake but was last seen parking on this very CPU is waiting for
  // it (it spun there and lost the CPU to this thread): it can only answer once this
  // thread stops running, so spinning would just delay it.
  if (!partner_was_asleep && cpu >= 0 && partner_cpu == cpu) {
    budget = std::chrono::nanoseconds(0);
  }
  const Baton::Clock::time_point start = Baton::Clock::now();
  Baton::Clock::time_point end;
  const Baton::Outcome outcome = self->baton.Wait(budget, start, &end);
  self->spin.Record(kind, end - start, budget, outcome);
}

Wake Core::SwitchTo(int32_t target_id, WaitKind kind) {
  Carrier* self = current_;
  Carrier* target = carriers_[target_id].get();
  Wake how = target->fresh ? Wake::kBoot : Wake::kResume;
  target->fresh = false;
  current_ = target;
  // AsyncLocalStorage's context belongs to the greenlet that parks (v8_api.h).
  v8api::Handle async_context = async_context_ ? v8api::GetContinuationData(isolate_) : nullptr;
  PassV8(self, target, how, kind);
  while (self->wake == Wake::kInspect) ServeInspection(self, kind);  // hook: stack reading (core_debug.cc)
  // hook: the monitor learns who holds V8 (monitor.h); the main greenlet may be woken
  // only to serve an onMain() call (the caller waits for kCall in mailbox[2]).
  monitor_.OnTurn(self->id == kMainId,
                  self->id == kMainId && mailbox_[2] == static_cast<int32_t>(WaitKind::kCall));
  if (async_context_) v8api::SetContinuationData(isolate_, async_context);
  return self->wake;
}

void Core::PassV8(Carrier* self, Carrier* target, Wake how, WaitKind kind) {
  // [gc_guard] a parked main thread's stack is mirrored for collections on carriers.
  GcGuard::MainParked main_parked(gc_guard_, self->id == kMainId);
  // Only the running thread may be entered in the isolate: V8 takes the stack it
  // scans from the thread that entered (DESIGN.md).
  v8api::Exit(isolate_);
  v8api::Unlocker unlocker(isolate_);
  HandOverAndPark(self, target, how, kind);
  // Entered again before the lock is taken back (the Unlocker's end): taking it restores
  // this thread's V8 state, and V8 re-arms a debugger step in progress there
  // (Debug::RestoreDebug), which needs the isolate to be this thread's current one (else
  // a stepOver across a switch crashes). Nothing else touches the isolate meanwhile: V8
  // was handed to this thread.
  v8api::Enter(isolate_);
}

void Core::SwitchFromJs() {
  int32_t target = mailbox_[0];
  if (tearing_down_) {
    mailbox_[1] = kRefusedShuttingDown;
  } else if (!IsValidTarget(target) || target == current_->id) {
    mailbox_[1] = kRefusedBadTarget;
  } else if (current_->id != kMainId &&
             os::CurrentStackPosition() < current_->stack_low + kNativeStackReserve + kSwitchHeadroom) {
    mailbox_[1] = kRefusedNoStack;
  } else {
    Wake wake = SwitchTo(target, static_cast<WaitKind>(mailbox_[2]));
    // kTerminate: the carrier that handed over was terminated (worker.terminate()):
    // carry the termination on into this thread's JavaScript. kUnwind: environment
    // cleanup, where Node may already have freed what JavaScript would touch (timers):
    // unwind this greenlet's stack without running any of it. Greenlets get
    // GreenletExit, with their finally blocks, at the 'exit' event before this.
    if (wake == Wake::kTerminate || wake == Wake::kUnwind) v8api::TerminateExecution(isolate_);
    mailbox_[1] = static_cast<int32_t>(wake);
  }
}

// [gc_guard] a carrier thread's outermost frame: CarrierMain runs below the buffer that
// mirrors the main thread's stack (gc_guard.h).
void Core::CarrierEntry(void* arg) {
  static_cast<Carrier*>(arg)->core->gc_guard_.RunCarrier(CarrierMain, arg);
}

void Core::CarrierMain(void* arg) {
  auto* self = static_cast<Carrier*>(arg);
  t_core = self->core;
  self->stack_low = os::CurrentStackBounds().low;
  Core* core = self->core;
  // Its first wait: for the greenlet Acquire bound it to (or a pooled one's exit).
  core->Park(self, os::CurrentCpu(), -1, true, WaitKind::kPool);
  while (self->wake != Wake::kExit) {
    const Ending end = core->RunGreenlet(self);
    if (!end.pooled) {
      core->HandOver(end.next, end.how);
      break;
    }
    core->HandOverAndPark(self, end.next, end.how, WaitKind::kPool);
  }
  // The isolate outlives this thread: drop V8's record of it (it would stay in the
  // isolate's thread table for good). Done without the V8 lock, as V8 requires.
  v8api::DiscardThreadSpecificMetadata(core->isolate_);
}

// Runs one greenlet from its first switch to its end. Returns the carrier to hand V8
// to (the one the boot function chose: the dead greenlet's parent) and whether this
// carrier went back to the idle pool (otherwise its thread ends).
Core::Ending Core::RunGreenlet(Carrier* self) {
  Carrier* next;
  Wake how = Wake::kResume;
  bool pooled;
  {
    v8api::Locker locker(isolate_);
    v8api::Enter(isolate_);
    monitor_.OnTurn(false, false);  // hook: the monitor learns who holds V8 (monitor.h)
    v8api::SetStackLimit(isolate_, self->stack_low + kNativeStackReserve);
    int32_t target = CallBoot();
    if (target < 0 || tearing_down_ || !IsValidTarget(target) ||
        carriers_[target].get() == self) {
      // Termination unwound the greenlet without running the boot function's
      // epilogue, or the environment is going away: hand over to the main thread.
      if (target < 0 && !tearing_down_) how = Wake::kTerminate;
      target = kMainId;
    }
    next = carriers_[target].get();
    if (next->fresh) {
      how = Wake::kBoot;
      next->fresh = false;
    }
    current_ = next;
    pooled = Retire(self);
    v8api::Exit(isolate_);
  }
  return Ending{next, how, pooled};
}

// Calls the JS boot function, which runs the greenlet. The handle scope stays open for
// the greenlet's whole life; napi counts it, which is why the switch itself is not a
// napi function (see addon.cc).
int32_t Core::CallBoot() {
  napi_handle_scope scope;
  if (napi_open_handle_scope(env_, &scope) != napi_ok) return -1;
  napi_value boot, undefined, result;
  int32_t target = -1;
  if (napi_get_reference_value(env_, boot_, &boot) != napi_ok ||
      napi_get_undefined(env_, &undefined) != napi_ok ||
      napi_call_function(env_, undefined, boot, 0, nullptr, &result) != napi_ok ||
      napi_get_value_int32(env_, result, &target) != napi_ok) {
    // The boot function catches everything, so only termination gets here.
    target = -1;
    bool pending = false;
    napi_is_exception_pending(env_, &pending);
    if (pending) {
      napi_value ignored;
      napi_get_and_clear_last_exception(env_, &ignored);
    }
  }
  napi_close_handle_scope(env_, scope);
  return target;
}

// Returns the finished carrier to the idle pool, or marks it to leave when the pool
// is full or the environment is going away. Called with the V8 lock held.
bool Core::Retire(Carrier* self) {
  self->bound = false;
  if (!tearing_down_ && idle_.size() < max_idle_) {
    idle_.push_back(self);
    return true;
  }
  exited_.push_back(std::move(carriers_[self->id]));
  free_ids_.push_back(self->id);
  return false;
}

void Core::JoinExited() {
  for (auto& c : exited_) os::JoinThread(c->thread);
  exited_.clear();
}

void Core::Teardown() {
  monitor_.Stop();  // hook: the monitor thread ends first (it interrupts V8)
  // [gc_guard] stop watching collections: the isolate may outlive this environment, and
  // what a warning would be sent through closes with it.
  gc_guard_.Detach();
  if (current_->id != kMainId) return;  // not reachable from a clean shutdown
  tearing_down_ = true;
  // Node runs cleanup hooks under a SealHandleScope, and some V8 versions (Node 24's)
  // create a handle while an Unlocker archives the thread.
  napi_handle_scope scope;
  bool scoped = napi_open_handle_scope(env_, &scope) == napi_ok;
  // A greenlet still suspended here (it outlived the kills at the 'exit' event, or the
  // worker was terminated) is woken with kUnwind: execution is terminated on its
  // thread, V8 unwinds its stack without running JavaScript, and its carrier hands
  // back here.
  for (size_t id = 1; id < carriers_.size(); id++) {
    while (carriers_[id] && carriers_[id]->bound && !carriers_[id]->fresh) {
      Carrier* c = carriers_[id].get();
      Carrier* self = current_;
      current_ = c;
      PassV8(self, c, Wake::kUnwind, WaitKind::kSwitch);
    }
  }
  for (auto& c : carriers_) {
    if (!c || c->id == kMainId) continue;
    HandOver(c.get(), Wake::kExit);
    exited_.push_back(std::move(c));
  }
  idle_.clear();
  JoinExited();
  if (scoped) napi_close_handle_scope(env_, scope);
}

}  // namespace tendril
