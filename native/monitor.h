// Watches the turns of one isolate's greenlets from a thread of its own, for the two
// things that need a clock while a greenlet other than the main one holds V8: CPU
// profiles (sampler.h: V8's sampler only ever sees the main thread) and reports of a
// greenlet that keeps the event loop waiting (watchdog.h). The thread ticks only while
// such a greenlet runs, and sleeps once the main greenlet has had the turn for a while:
// then it costs nothing. The switching core tells it about every turn (OnTurn).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "platform.h"
#include "sampler.h"
#include "spin_lock.h"
#include "turn.h"
#include "v8_api.h"
#include "watchdog.h"

namespace tendril {

class Monitor {
 public:
  using Clock = std::chrono::steady_clock;

  struct Settings {
    // A sample for CPU profilers this often while a greenlet holds V8; zero: never.
    std::chrono::microseconds sample_interval{0};
    // Report the event loop waiting this long for greenlets; zero: never.
    std::chrono::milliseconds max_blocking{0};
    // Starts each report line, as Node starts its warnings: "(node:1234) ".
    std::string warning_prefix;
  };

  explicit Monitor(v8api::Isolate* isolate);
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // Called by the thread holding V8 (the main greenlet's or another's: `main_holds`).
  void Configure(const Settings& settings, bool main_holds);
  // Starts the thread if the settings need one and it is not running. Called when the
  // first greenlet starts, so a process that never starts one has no monitor thread.
  void StartIfNeeded();
  // Joins the thread (environment cleanup).
  void Stop();

  // The hook in the switching core, called by the thread that has just taken V8: the
  // main greenlet's (`main`; `for_call` when it only serves an onMain() call) or
  // another's. Costs a branch when no feature is on. (Set by the taker, not the giver:
  // an interrupt the monitor requests for this turn then reaches this thread, since V8
  // keeps the request with whichever thread holds or last held the isolate.)
  void OnTurn(bool main, bool for_call) {
    if (!active_) return;
    const uint64_t next = Turn::Next(turn_.load(std::memory_order_relaxed), main, for_call);
    if (main) {
      turn_.store(next, std::memory_order_release);
      return;
    }
    // Pairs with the monitor's check before it sleeps (Monitor::Sleep).
    turn_.store(next, std::memory_order_seq_cst);
    if (sleeping_.load(std::memory_order_seq_cst) != 0) WakeUp();
  }

  uint64_t turn() const { return turn_.load(std::memory_order_acquire); }
  v8api::Isolate* isolate() const { return isolate_; }
  Sampler& sampler() { return sampler_; }
  Watchdog& watchdog() { return watchdog_; }

  // The monitor of the isolate whose JavaScript runs on this thread, if any (interrupt
  // callbacks find theirs here).
  static Monitor* ForThisThread();

 private:
  static void ThreadMain(void* self);
  void Run();
  void Sleep(bool until_greenlet_turn);
  void WakeUp();

  v8api::Isolate* const isolate_;
  Sampler sampler_;
  Watchdog watchdog_;
  bool active_ = false;  // some feature is on; read and written by the V8 holder only
  std::atomic<uint64_t> turn_{0};
  std::atomic<uint32_t> sleeping_{0};
  std::atomic<bool> stop_{false};
  bool running_ = false;  // read and written by the V8 holder only
  os::Thread thread_;
  // Settings handed to the thread: copied under the lock when the version moves.
  SpinLock settings_lock_;
  Settings settings_;
  std::atomic<uint32_t> settings_version_{0};
  // The settings the thread ticks with: its own while it runs, Stop's once joined.
  Settings ticked_;
};

}  // namespace tendril
