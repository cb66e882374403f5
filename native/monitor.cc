#include "monitor.h"

#include <algorithm>

#include "core.h"

namespace tendril {

namespace {
// The monitor sleeps once the main greenlet has held V8, without a switch, this long:
// a switch into a greenlet wakes a sleeping monitor with a system call, which frequent
// switching should not pay every time.
constexpr std::chrono::milliseconds kQuietBeforeSleep{10};
// The thread only ticks and calls V8's RequestInterrupt.
constexpr size_t kStackSize = 256 * 1024;
}  // namespace

Monitor::Monitor(v8api::Isolate* isolate)
    : isolate_(isolate), sampler_(isolate), watchdog_(isolate) {}

Monitor::~Monitor() { Stop(); }

Monitor* Monitor::ForThisThread() {
  Core* core = Core::ForThisThread();
  return core == nullptr ? nullptr : &core->monitor();
}

void Monitor::Configure(const Settings& settings, bool main_holds) {
  {
    std::lock_guard<SpinLock> guard(settings_lock_);
    settings_ = settings;
  }
  settings_version_.fetch_add(1, std::memory_order_release);
  // The turn word stands still while no feature is on: say who holds V8 now.
  turn_.store(Turn::Next(turn_.load(std::memory_order_relaxed), main_holds, false),
              std::memory_order_seq_cst);
  active_ = settings.sample_interval.count() > 0 || settings.max_blocking.count() > 0;
  // Off: the thread ends here, so a freeze report it made is closed before this returns
  // (tendril turns the monitor off at the 'exit' event, and the process may end next).
  if (!active_) {
    Stop();
  } else if (running_) {
    WakeUp();
  }
}

void Monitor::StartIfNeeded() {
  if (running_ || !active_) return;
  stop_.store(false, std::memory_order_relaxed);
  if (os::StartThread(kStackSize, ThreadMain, this, &thread_) == 0) running_ = true;
}

void Monitor::Stop() {
  if (!running_) return;
  stop_.store(true, std::memory_order_seq_cst);
  WakeUp();
  os::JoinThread(thread_);
  running_ = false;
  watchdog_.Finish(turn(), Clock::now(), ticked_.max_blocking, ticked_.warning_prefix);
}

void Monitor::ThreadMain(void* self) { static_cast<Monitor*>(self)->Run(); }

void Monitor::WakeUp() {
  if (sleeping_.exchange(0, std::memory_order_seq_cst) != 0) os::WakeWord(&sleeping_);
}

void Monitor::Sleep(bool until_greenlet_turn) {
  sleeping_.store(1, std::memory_order_seq_cst);
  // Pairs with OnTurn: it stores the turn, then reads sleeping_; this stores sleeping_,
  // then reads the turn. One of the two sees the other.
  if ((until_greenlet_turn && Turn::Greenlet(turn_.load(std::memory_order_seq_cst))) ||
      stop_.load(std::memory_order_seq_cst)) {
    sleeping_.store(0, std::memory_order_relaxed);
    return;
  }
  while (sleeping_.load(std::memory_order_acquire) != 0) os::WaitOnWord(&sleeping_, 1);
}

void Monitor::Run() {
  Settings& settings = ticked_;
  uint32_t version = ~settings_version_.load(std::memory_order_acquire);
  std::chrono::nanoseconds tick{};
  int quiet_ticks_before_sleep = 1;
  int quiet = 0;
  uint64_t seen = this->turn();
  Clock::time_point last = Clock::now();
  while (!stop_.load(std::memory_order_acquire)) {
    if (settings_version_.load(std::memory_order_acquire) != version) {
      std::lock_guard<SpinLock> guard(settings_lock_);
      version = settings_version_.load(std::memory_order_acquire);
      if (settings_.max_blocking.count() == 0) {
        watchdog_.Finish(turn(), Clock::now(), settings.max_blocking, settings.warning_prefix);
      }
      settings = settings_;
      // A sample at every tick; the watchdog alone needs a tenth of its limit.
      tick = settings.sample_interval.count() > 0
                 ? std::chrono::nanoseconds(settings.sample_interval)
                 : std::clamp<std::chrono::nanoseconds>(settings.max_blocking / 10,
                                                        std::chrono::milliseconds(1),
                                                        std::chrono::milliseconds(100));
      quiet_ticks_before_sleep =
          static_cast<int>(std::max<int64_t>(1, kQuietBeforeSleep / tick));
    }
    const Clock::time_point now = Clock::now();
    const uint64_t turn = this->turn();
    if (settings.max_blocking.count() > 0) {
      watchdog_.Tick(turn, now, now - last, settings.max_blocking, settings.warning_prefix);
    }
    if (settings.sample_interval.count() > 0 && Turn::Greenlet(turn)) sampler_.Tick(turn);
    last = now;
    quiet = !Turn::Greenlet(turn) && turn == seen ? quiet + 1 : 0;
    seen = turn;
    const bool off = settings.sample_interval.count() == 0 && settings.max_blocking.count() == 0;
    if (off || quiet >= quiet_ticks_before_sleep) {
      // Off: until Configure or Stop wakes it. Quiet: until a greenlet's turn (OnTurn).
      Sleep(/*until_greenlet_turn=*/!off);
      last = Clock::now();
      quiet = 0;
      seen = this->turn();
      continue;
    }
    os::SleepFor(tick);
  }
}

}  // namespace tendril
