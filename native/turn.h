// Who holds V8, as one word the switching core updates at every switch and the monitor
// thread reads at every tick (monitor.h).
#pragma once

#include <cstdint>

namespace tendril {

// Bit 0 is set while a greenlet other than the main one holds V8; bits 1-31 count
// switches; bits 32-63 count the event loop's turns: switches to the main greenlet other
// than those that only serve an onMain() call (the event loop does not run then).
struct Turn {
  static bool Greenlet(uint64_t turn) { return (turn & 1) != 0; }
  static uint32_t LoopTurns(uint64_t turn) { return static_cast<uint32_t>(turn >> 32); }
  static uint64_t Next(uint64_t turn, bool main, bool for_call) {
    const uint64_t switches = ((turn >> 1) + 1) & 0x7fffffff;
    const uint64_t loop_turns = (turn >> 32) + (main && !for_call ? 1 : 0);
    return (loop_turns << 32) | (switches << 1) | (main ? 0 : 1);
  }
};

}  // namespace tendril
