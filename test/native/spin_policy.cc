// Checks native/spin_policy.h's decisions, which no timing test can pin down: built and
// run by test/spin-policy.test.mjs. Prints one line per failed check; exits 1 on any.
#include <chrono>
#include <cstdio>

#include "spin_policy.h"

using std::chrono::microseconds;
using std::chrono::nanoseconds;
using tendril::Baton;
using tendril::SpinPolicy;
using tendril::WaitKind;

namespace {
int failures = 0;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::printf("FAILED: %s\n", what);
    failures++;
  }
}

// A wait of `waited` that began with the budget the policy gave and ended `outcome`.
nanoseconds Wait(SpinPolicy& p, WaitKind kind, nanoseconds waited, Baton::Outcome outcome) {
  const nanoseconds budget = p.Budget(kind);
  p.Record(kind, waited, budget, outcome);
  return budget;
}
}  // namespace

int main() {
  const auto caught = Baton::Outcome::kCaught;
  const auto slept = Baton::Outcome::kSlept;
  const auto preempted = Baton::Outcome::kPreempted;
  {
    SpinPolicy p;
    Check(p.Budget(WaitKind::kCall) == SpinPolicy::kSpinMin, "a new carrier spins the minimum");
  }
  {
    SpinPolicy p;
    for (int i = 0; i < 8; i++) Wait(p, WaitKind::kCall, microseconds(1), caught);
    Check(p.Budget(WaitKind::kCall) == SpinPolicy::kSpinMin, "answers within a microsecond: the minimum spin");
    for (int i = 0; i < 8; i++) Wait(p, WaitKind::kCall, microseconds(10), caught);
    const nanoseconds b = p.Budget(WaitKind::kCall);
    Check(b >= microseconds(19) && b <= microseconds(20), "answers after 10 us: a spin of about twice that");
  }
  {
    SpinPolicy p;
    Wait(p, WaitKind::kEventLoop, std::chrono::milliseconds(16), slept);
    Check(p.Budget(WaitKind::kEventLoop).count() == 0, "after a 16 ms wait for the event loop: no spin");
    Check(p.Budget(WaitKind::kServe) == SpinPolicy::kSpinMin, "other kinds of wait are not affected");
    for (int i = 0; i < 12; i++) Wait(p, WaitKind::kEventLoop, microseconds(2), slept);
    Check(p.Budget(WaitKind::kEventLoop).count() > 0,
          "waits that got short again (measured while sleeping) bring the spin back");
  }
  {
    SpinPolicy p;
    for (int i = 0; i < 4; i++) Wait(p, WaitKind::kSwitch, microseconds(1), caught);
    Check(Wait(p, WaitKind::kSwitch, microseconds(3), slept).count() > 0, "spins before the first miss");
    Check(Wait(p, WaitKind::kSwitch, microseconds(3), slept).count() == 0, "one miss: the next wait sleeps at once");
    Check(Wait(p, WaitKind::kSwitch, microseconds(3), slept).count() > 0, "then it probes again");
    int skipped = 0;
    while (Wait(p, WaitKind::kSwitch, microseconds(3), slept).count() == 0) skipped++;
    Check(skipped == 3, "two misses in a row: 3 waits sleep at once");
    for (int miss = 0; miss < 10; miss++) {
      skipped = 0;
      while (Wait(p, WaitKind::kSwitch, microseconds(3), slept).count() == 0) skipped++;
    }
    Check(skipped == 63, "the back-off stops at 63 waits");
    Wait(p, WaitKind::kSwitch, microseconds(1), caught);
    while (Wait(p, WaitKind::kSwitch, microseconds(1), caught).count() == 0) {
    }
    Check(Wait(p, WaitKind::kSwitch, microseconds(1), caught).count() > 0, "a caught spin ends the back-off");
  }
  {
    SpinPolicy p;
    Wait(p, WaitKind::kResume, microseconds(1), preempted);
    Check(p.Budget(WaitKind::kResume).count() == 0, "a spin cut short by preemption counts as a miss");
  }
  {
    SpinPolicy p;
    for (int i = 0; i < 8; i++) Wait(p, WaitKind::kPool, microseconds(200), slept);
    Check(p.Budget(WaitKind::kPool).count() == 0, "waits longer than kSpinMax: no spin");
    Check(p.Budget(static_cast<WaitKind>(99)) == p.Budget(WaitKind::kSwitch),
          "a kind out of range is a plain switch");
  }
  std::printf("%s\n", failures == 0 ? "spin policy: all checks passed" : "spin policy: checks failed");
  return failures == 0 ? 0 : 1;
}
