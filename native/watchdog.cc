#include "watchdog.h"

#include "core.h"
#include "monitor.h"
#include "stack_trace.h"

namespace tendril {

namespace {
// A wait as the interrupt sees it: its loop-turn count, marked valid.
uint64_t Key(uint32_t loop_turns) { return (uint64_t{1} << 32) | loop_turns; }

// "2,013 ms"
std::string Milliseconds(Watchdog::Clock::duration d) {
  const std::string digits =
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  std::string out;
  for (size_t i = 0; i < digits.size(); i++) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out + " ms";
}
}  // namespace

void Watchdog::Tick(uint64_t turn, Clock::time_point now, Clock::duration since,
                    std::chrono::milliseconds limit, const std::string& prefix) {
  if (waiting_ && Turn::LoopTurns(turn) != loop_turns_) End(now, limit, prefix);
  if (!waiting_) {
    if (!Turn::Greenlet(turn)) return;
    // It began within the last tick.
    waiting_ = true;
    loop_turns_ = Turn::LoopTurns(turn);
    started_ = now - since;
    reported_ = false;
    asked_turn_ = 0;
  }
  if (now - started_ < limit) return;
  if (!reported_) {
    reported_ = true;
    std::lock_guard<SpinLock> guard(lock_);
    asked_ = Key(loop_turns_);
    header_ = prefix + "GreenletWarning: a greenlet has kept the event loop waiting for " +
              Milliseconds(now - started_) + " (maxBlockingTime: " + Milliseconds(limit) +
              "). It is at:\n";
  }
  // Until the stack is taken, ask again in each new turn of a greenlet: a request stays
  // with the thread that held V8 when it was made, and the main greenlet (serving an
  // onMain() call) has no greenlet stack to give.
  if (written_.load(std::memory_order_acquire) != Key(loop_turns_) && Turn::Greenlet(turn) &&
      turn != asked_turn_) {
    asked_turn_ = turn;
    v8api::RequestInterrupt(isolate_, OnInterrupt,
                            reinterpret_cast<void*>(static_cast<uintptr_t>(Key(loop_turns_))));
  }
}

void Watchdog::End(Clock::time_point now, std::chrono::milliseconds limit,
                   const std::string& prefix) {
  waiting_ = false;
  if (!reported_) return;
  std::string text;
  if (written_.load(std::memory_order_acquire) == Key(loop_turns_)) {
    text = prefix + "GreenletWarning: the event loop got the turn back after waiting " +
           Milliseconds(now - started_) + " for greenlets.\n";
  } else {
    text = prefix + "GreenletWarning: a greenlet kept the event loop waiting for " +
           Milliseconds(now - started_) + " (maxBlockingTime: " + Milliseconds(limit) +
           "); it ran no JavaScript that could be interrupted meanwhile (a long native call?), "
           "so where it was is unknown.\n";
  }
  {
    std::lock_guard<SpinLock> guard(lock_);
    asked_ = 0;
  }
  os::WriteStderr(text.data(), text.size());
}

void Watchdog::Finish(uint64_t turn, Clock::time_point now, std::chrono::milliseconds limit,
                      const std::string& prefix) {
  if (waiting_ && Turn::LoopTurns(turn) != loop_turns_) End(now, limit, prefix);
  waiting_ = false;
  std::lock_guard<SpinLock> guard(lock_);
  asked_ = 0;
}

void Watchdog::OnInterrupt(v8api::Isolate* isolate, void* data) {
  Core* core = Core::ForThisThread();
  Monitor* monitor = Monitor::ForThisThread();
  if (core == nullptr || monitor == nullptr) return;
  Watchdog& self = monitor->watchdog();
  const uint64_t key = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(data));
  const uint64_t turn = monitor->turn();
  // That wait is over, or it is the main greenlet's turn (it serves an onMain() call):
  // a later request, in a greenlet's turn, takes the stack.
  if (!Turn::Greenlet(turn) || Key(Turn::LoopTurns(turn)) != key) return;
  if (self.written_.load(std::memory_order_acquire) == key) return;
  std::string header;
  {
    std::lock_guard<SpinLock> guard(self.lock_);
    if (self.asked_ != key) return;
    header = self.header_;
  }
  std::string stack = CaptureStack(core->env(), isolate, core->internal_prefix());
  if (stack.empty()) stack = "    (no JavaScript frames outside tendril)\n";
  header += stack;
  os::WriteStderr(header.data(), header.size());
  self.written_.store(key, std::memory_order_release);
}

}  // namespace tendril
