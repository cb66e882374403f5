// The switching core's part in debugging: the monitor's settings (monitor.h), and
// reading the stack of a parked greenlet. JavaScript cannot read another thread's stack,
// and V8 walks only the stack of the thread that holds the isolate, so the parked
// greenlet's own thread does it: the reader hands it V8 with Wake::kInspect; it takes its
// stack (stack_trace.h) without running any JavaScript, hands V8 back and parks where it
// was. Switches pay nothing for this; a reading costs two handoffs.
#include "core.h"
#include "stack_trace.h"

namespace tendril {

void Core::ConfigureMonitor(const Monitor::Settings& settings, std::string internal_prefix) {
  internal_prefix_ = std::move(internal_prefix);
  monitor_.Configure(settings, current_->id == kMainId);
  if (live_threads() > 0) monitor_.StartIfNeeded();
}

bool Core::StackOf(int32_t id, std::string* out) {
  if (id == current_->id) {
    *out = CaptureStack(env_, isolate_, internal_prefix_);
    return true;
  }
  if (tearing_down_ || !IsValidTarget(id) || carriers_[id]->fresh) return false;
  Carrier* self = current_;
  Carrier* target = carriers_[id].get();
  inspection_ = {self, out};
  current_ = target;
  PassV8(self, target, Wake::kInspect, WaitKind::kCall);
  return true;
}

void Core::ServeInspection(Carrier* self, WaitKind kind) {
  *inspection_.out = CaptureStack(env_, isolate_, internal_prefix_);
  Carrier* reader = inspection_.reader;
  inspection_ = {};
  current_ = reader;
  PassV8(self, reader, Wake::kResume, kind);
}

}  // namespace tendril
