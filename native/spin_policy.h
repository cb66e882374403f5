// How long a parked carrier spins before it sleeps. Spinning pays only when the answer
// comes within the spin from a partner running on another CPU: then a switch costs
// ~0.5 us instead of a futex wake and a trip through the scheduler. Otherwise it burns
// a CPU (a laptop's battery) and, on a busy machine, holds the very CPU the partner
// needs. So each carrier learns, per kind of wait (the JavaScript side says which kind
// a switch waits for: an onMain() answer, the event loop, ...), how long those waits
// have lately lasted, and spins only for kinds that end within kSpinMax, for about
// twice their recent length. A spin that misses is skipped for the next 1, 3, 7, ...
// waits of that kind, so a pair stuck on one CPU soon stops spinning and only probes
// now and then. bench/NOTES.md has the measurements behind the numbers.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "baton.h"

namespace tendril {

// What a parked thread waits for. Mirrored by WaitKind in src/main/native.ts.
enum class WaitKind : int32_t {
  kSwitch = 0,     // a plain switch: until someone switches back
  kCall = 1,       // an onMain() call: until the main thread has run it
  kServe = 2,      // the main thread after an onMain() call: until the caller's next step
  kEventLoop = 3,  // waitFor(), receive(), sleep(), join(): until the event loop wakes it
  kResume = 4,     // the main thread after waking a waiting greenlet: until it waits again
  kPool = 5,       // an idle carrier: until a new greenlet starts on it
};
constexpr int kWaitKinds = 6;

class SpinPolicy {
 public:
  static constexpr std::chrono::nanoseconds kSpinMin{4'000};
  static constexpr std::chrono::nanoseconds kSpinMax{50'000};

  // How long to spin before sleeping in a wait of this kind (0: sleep at once).
  std::chrono::nanoseconds Budget(WaitKind kind) {
    Slot& slot = slots_[Index(kind)];
    if (slot.skip > 0) {
      slot.skip--;
      return std::chrono::nanoseconds(0);
    }
    const std::chrono::nanoseconds typical(slot.typical_ns);
    if (typical > kSpinMax) return std::chrono::nanoseconds(0);
    return std::clamp(2 * typical, kSpinMin, kSpinMax);
  }

  // Learns from a wait that lasted `waited` (spin and sleep) after spinning up to `budget`.
  void Record(WaitKind kind, std::chrono::nanoseconds waited, std::chrono::nanoseconds budget,
              Baton::Outcome outcome) {
    Slot& slot = slots_[Index(kind)];
    const int64_t ns = std::min<int64_t>(waited.count(), kTypicalCap);
    slot.typical_ns = static_cast<uint32_t>((int64_t{slot.typical_ns} + ns) / 2);
    if (budget.count() == 0) return;
    if (outcome == Baton::Outcome::kCaught) {
      slot.misses = 0;
    } else {
      slot.misses = static_cast<uint8_t>(std::min<int>(slot.misses + 1, kMaxMisses));
      slot.skip = static_cast<uint8_t>((1 << slot.misses) - 1);
    }
  }

 private:
  static constexpr int64_t kTypicalCap = 1'000'000'000;  // fits uint32_t
  static constexpr int kMaxMisses = 6;                   // skip at most 63 waits

  struct Slot {
    uint32_t typical_ns = 0;  // recent length of waits of this kind (halving average)
    uint8_t misses = 0;       // spins in a row that ended asleep
    uint8_t skip = 0;         // waits left that sleep at once
  };

  static int Index(WaitKind kind) {
    const int i = static_cast<int>(kind);
    return i >= 0 && i < kWaitKinds ? i : 0;
  }

  Slot slots_[kWaitKinds];
};

}  // namespace tendril
