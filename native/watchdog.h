// Reports a greenlet that keeps the event loop waiting, like gevent's monitor thread
// (max_blocking_time). A wait begins when a greenlet other than the main one takes V8
// and ends when the event loop gets the turn back: the main greenlet serving onMain()
// calls meanwhile does not end it (the event loop does not run then). The monitor thread
// (monitor.h) checks its length at every tick. Past the limit, an interrupt takes a
// running greenlet's JavaScript stack and the report goes to stderr at once, written
// from native code: the event loop that would print a JavaScript warning is the one
// waiting, and a greenlet stuck in an endless loop would never let it. When the event
// loop gets the turn back, a last line says how long it waited.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "spin_lock.h"
#include "v8_api.h"

namespace tendril {

class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Watchdog(v8api::Isolate* isolate) : isolate_(isolate) {}

  // Monitor thread, at every tick: `turn` is the turn word (turn.h), `since` the time
  // since the previous tick, `limit` maxBlockingTime, `prefix` what starts each report.
  void Tick(uint64_t turn, Clock::time_point now, Clock::duration since,
            std::chrono::milliseconds limit, const std::string& prefix);
  // The limit was switched off (on the monitor thread), or the monitor thread has ended
  // (on the thread that joined it): a reported wait that the event loop's turn has ended
  // gets its closing line now, before the process may exit; any other wait is dropped.
  void Finish(uint64_t turn, Clock::time_point now, std::chrono::milliseconds limit,
              const std::string& prefix);

 private:
  static void OnInterrupt(v8api::Isolate* isolate, void* data);
  void End(Clock::time_point now, std::chrono::milliseconds limit, const std::string& prefix);

  v8api::Isolate* const isolate_;
  // The current wait, kept by the monitor thread only.
  bool waiting_ = false;
  uint32_t loop_turns_ = 0;  // the event loop's turn count while this wait lasts
  Clock::time_point started_;
  bool reported_ = false;
  uint64_t asked_turn_ = 0;  // the turn the last stack request was made in
  // Shared with the interrupt callback: the wait it should report (a loop-turn count
  // with bit 32 set; 0: none), the first line of that report, and the wait whose
  // report was written.
  SpinLock lock_;
  uint64_t asked_ = 0;
  std::string header_;
  std::atomic<uint64_t> written_{0};
};

}  // namespace tendril
