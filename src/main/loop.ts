// Shared plumbing of the event-loop layer (wait.ts, task.ts, channel.ts): who may wait,
// how a waiting greenlet is woken from the event loop, and where errors that nobody can
// catch any more are reported.
//
// Every wake-up is a real switch, so it is only ever done from the main greenlet (the
// thread running the event loop): from a promise reaction, a timer, or a microtask queued
// here. Promise reactions and microtasks only run on the main greenlet's thread: Node
// drains the microtask queue from its own callback scopes, never on a carrier. While the
// main greenlet serves an onMain() call (Electron runs timers and IPC inside a sync
// dialog's) no switch can happen: wake-ups wait until the call has returned.
import { assertCanWait, holdWhileServing, inMainGreenlet, resume, suspend, Waiter } from './greenlet';

/**
 * Reports an error that has no caller left to throw to (a greenlet woken from the event
 * loop ended with it, a switch from a callback failed) the way Node reports an
 * unhandled rejection: 'unhandledRejection' listeners see it, and without one the
 * process exits non-zero. Never swallowed.
 */
export function reportUnhandled(error: unknown): void {
  void Promise.reject(error);
}

const settled = Promise.resolve();

/**
 * Runs `fn` on the main greenlet soon (a microtask), reporting what it throws. A
 * reaction to a settled promise rather than queueMicrotask(), which makes an
 * AsyncResource and a bound function per call (~4x the cost, measured in Node 20).
 */
export function later(fn: () => void): void {
  void settled.then(() => {
    if (!inMainGreenlet()) {
      // Not expected (microtasks run on the event-loop thread), but a switch from here
      // would strand the greenlet running now: go through the event loop instead.
      setImmediate(later, fn);
      return;
    }
    if (holdWhileServing(() => later(fn))) return;
    try {
      fn();
    } catch (error) {
      reportUnhandled(error);
    }
  });
}

/**
 * Ends the wait of `waiter` so its suspend() returns `value` (or throws it when
 * `failed`). A no-op when that wait already ended (killed, interrupted, woken). Called
 * from event-loop callbacks; from anywhere but the main greenlet it defers itself.
 * Returns whether the wake-up was delivered.
 */
export function wake(waiter: Waiter, failed: boolean, value: unknown): boolean {
  if (!waiter.pending) return false;
  if (!inMainGreenlet()) {
    setImmediate(wake, waiter, failed, value);
    return false;
  }
  if (holdWhileServing(() => wake(waiter, failed, value))) return false;
  try {
    return resume(waiter, failed, value);
  } catch (error) {
    // The woken greenlet ended with an error and its parent is the main greenlet, whose
    // pending "switch" is this callback: nobody else can catch it.
    reportUnhandled(error);
    return true;
  }
}

/**
 * Parks the current greenlet until `promise` settles; returns its value or throws its
 * rejection. `what` names the wait in error messages, `on` what it waits for in
 * listGreenlets() (default: the promise).
 */
export function waitOn<T>(what: string, promise: T, on: unknown = promise): Awaited<T> {
  assertCanWait(what);
  return suspend(what, (waiter) => {
    Promise.resolve(promise).then(
      (value) => {
        wake(waiter, false, value);
      },
      (error: unknown) => {
        wake(waiter, true, error);
      },
    );
  }, on) as Awaited<T>;
}
