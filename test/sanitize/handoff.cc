// The handoff of tendril's core without V8, for ThreadSanitizer and valgrind
// (scripts/sanitize.sh): threads started with os::StartThread take turns exactly the
// way carriers do, each parked on its own Baton (native/baton.h: spin, then futex) and
// woken by the one before. The data each turn reads and writes is plain, non-atomic
// memory: only the Baton's Post/Wait orders it, so a missing happens-before edge in the
// handoff is a data race the tools report. No mutex stands in for V8's lock here, which
// makes this stricter than the real core.
//
//   handoff ROUNDS RING LAPS
//   ping-pong: two threads, ROUNDS round trips (half with spinning, half futex only);
//   ring: RING threads pass a token around LAPS times; then every thread is joined.
//   handoff ROUNDS RING LAPS race   also writes plain memory from two threads with no
//   handoff between them: the tools must report it (scripts/sanitize.sh's self-check).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "baton.h"
#include "platform.h"

// valgrind's helgrind and drd do not model C++11 atomics: built for them
// (-DTENDRIL_HELGRIND / -DTENDRIL_DRD) the Baton's atomic word is declared a benign
// race and each Post -> Wait declared a happens-before edge, so they check everything
// else (thread start and join, the plain data of each turn). ThreadSanitizer, which does
// model atomics, checks the Baton's ordering itself and gets no annotations.
#if defined(TENDRIL_HELGRIND)
#include <valgrind/helgrind.h>
#elif defined(TENDRIL_DRD)
#include <valgrind/drd.h>
#else
#define ANNOTATE_HAPPENS_BEFORE(obj) ((void)0)
#define ANNOTATE_HAPPENS_AFTER(obj) ((void)0)
#define ANNOTATE_BENIGN_RACE_SIZED(addr, size, why) ((void)0)
#endif

using tendril::Baton;
namespace os = tendril::os;

namespace {

void Post(Baton& b) {
  ANNOTATE_HAPPENS_BEFORE(&b);
  b.Post();
}
void Wait(Baton& b, std::chrono::nanoseconds spin) {
  Baton::Clock::time_point end;
  b.Wait(spin, Baton::Clock::now(), &end);
  ANNOTATE_HAPPENS_AFTER(&b);
}
void Declare(Baton& b) {
  static_assert(sizeof(Baton) == sizeof(std::atomic<uint32_t>), "a Baton is its atomic word");
  ANNOTATE_BENIGN_RACE_SIZED(&b, sizeof(Baton), "the Baton's atomic word");
}

constexpr size_t kStack = 256 * 1024;
// Half the waits spin first (as the core does), half go straight to the futex.
constexpr std::chrono::nanoseconds kSpin = std::chrono::microseconds(20);
constexpr std::chrono::nanoseconds kNoSpin = std::chrono::nanoseconds(0);

struct PingPong {
  Baton ping, pong;
  long rounds = 0;
  long value = 0;     // plain memory handed back and forth
  long mismatches = 0;
};

void Ponger(void* arg) {
  auto* p = static_cast<PingPong*>(arg);
  for (long i = 0; i < p->rounds; i++) {
    Wait(p->pong, i % 2 == 0 ? kSpin : kNoSpin);
    if (p->value != i) p->mismatches++;
    p->value = -i;
    Post(p->ping);
  }
}

struct Ring;
struct Member {
  Ring* ring;
  int index;
  Baton baton;
};
struct Ring {
  std::vector<std::unique_ptr<Member>> members;
  Baton done;
  long laps = 0;
  long counter = 0;   // plain memory: each member increments it in its turn
  std::vector<long> seen;  // plain memory written by every member
};

void RingMember(void* arg) {
  auto* m = static_cast<Member*>(arg);
  Ring* r = m->ring;
  const int n = static_cast<int>(r->members.size());
  for (long lap = 0; lap < r->laps; lap++) {
    Wait(m->baton, lap % 2 == 0 ? kSpin : kNoSpin);
    r->counter++;
    r->seen[m->index]++;
    if (m->index + 1 < n) {
      Post(r->members[m->index + 1]->baton);
    } else {
      Post(r->done);
    }
  }
}

// The control's race must happen every run: both threads meet at a relaxed-atomic
// barrier (no happens-before edge for the tools), then both read-modify-write plain
// memory. Before this, the optimiser folded each loop into one store and a racer that
// ran before or after the main loop sometimes went unreported.
volatile long g_racy = 0;
std::atomic<int> g_arrived{0};
void MeetAndRace() {
  g_arrived.fetch_add(1, std::memory_order_relaxed);
  while (g_arrived.load(std::memory_order_relaxed) < 2) {
  }
  for (int i = 0; i < 10000; i++) g_racy = g_racy + 1;
}
void Racer(void*) { MeetAndRace(); }

}  // namespace

int main(int argc, char** argv) {
  const long rounds = argc > 1 ? std::atol(argv[1]) : 20000;
  const int ring_size = argc > 2 ? std::atoi(argv[2]) : 100;
  const long laps = argc > 3 ? std::atol(argv[3]) : 10;
  if (argc > 4 && std::string(argv[4]) == "race") {
    os::Thread racer;
    if (os::StartThread(kStack, Racer, nullptr, &racer) != 0) return 2;
    MeetAndRace();
    os::JoinThread(racer);
    std::printf("raced: %ld\n", g_racy);
  }

  PingPong p;
  p.rounds = rounds;
  Declare(p.ping);
  Declare(p.pong);
  os::Thread t;
  if (os::StartThread(kStack, Ponger, &p, &t) != 0) return 2;
  for (long i = 0; i < rounds; i++) {
    p.value = i;
    Post(p.pong);
    Wait(p.ping, i % 2 == 0 ? kSpin : kNoSpin);
    if (p.value != -i) p.mismatches++;
  }
  os::JoinThread(t);

  Ring r;
  r.laps = laps;
  Declare(r.done);
  r.seen.assign(ring_size, 0);
  std::vector<os::Thread> threads(ring_size);
  for (int k = 0; k < ring_size; k++) {
    auto m = std::make_unique<Member>();
    m->ring = &r;
    m->index = k;
    Declare(m->baton);
    r.members.push_back(std::move(m));
  }
  for (int k = 0; k < ring_size; k++) {
    if (os::StartThread(kStack, RingMember, r.members[k].get(), &threads[k]) != 0) return 2;
  }
  for (long lap = 0; lap < laps; lap++) {
    Post(r.members[0]->baton);
    Wait(r.done, kSpin);
  }
  for (auto& th : threads) os::JoinThread(th);
  long ring_bad = 0;
  for (long s : r.seen) ring_bad += s != laps;
  const bool ok = p.mismatches == 0 && r.counter == laps * ring_size && ring_bad == 0;
  std::printf("ping-pong %ld round trips, ring of %d threads x %ld laps (%ld handoffs): %s\n", rounds, ring_size, laps,
              2 * rounds + laps * (ring_size + 1), ok ? "ok" : "MISMATCH");
  return ok ? 0 : 1;
}
