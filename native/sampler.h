// Makes CPU profiles (--cpu-prof, the inspector's Profiler domain, node:inspector
// sessions) see the code greenlets run. V8's profiler samples by interrupting the thread
// that started it (the main one), and drops the sample while another thread holds the
// isolate. So while a greenlet other than the main one holds V8, the monitor thread
// (monitor.h) asks it for a sample at every tick: an interrupt whose callback adds that
// greenlet's stack to the profiles being recorded (v8::CpuProfiler::CollectSample, which
// does nothing when no profiler runs). The main greenlet is V8's own to sample, never
// sampled here, so no time counts twice.
#pragma once

#include <atomic>
#include <cstdint>

#include "v8_api.h"

namespace tendril {

class Sampler {
 public:
  explicit Sampler(v8api::Isolate* isolate) : isolate_(isolate) {}

  // Monitor thread, at a tick where a greenlet holds V8 (`turn`: the turn word, turn.h).
  void Tick(uint64_t turn);

 private:
  static void OnInterrupt(v8api::Isolate* isolate, void* data);

  v8api::Isolate* const isolate_;
  // The turn of the request not yet served (0: none). One request at a time; but one
  // made in a turn that ended stays with that greenlet's thread until it runs again (V8
  // keeps interrupt requests per thread under v8::Locker) and is dropped then as stale,
  // so a new turn gets a request of its own.
  std::atomic<uint64_t> pending_{0};
};

}  // namespace tendril
