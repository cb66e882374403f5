// waitFor(), sleep() and blocking(): a greenlet waits for the event loop without
// blocking it.
import { assertCanWait, suspend } from './greenlet';
import { waitOn, wake } from './loop';
import type { IsAny, Signatures } from './overloads';

/**
 * Waits for `promise` in the current greenlet while the event loop keeps running, and
 * returns its value; a rejection is thrown here. Anything that is not a thenable is
 * treated like `await` treats it (it is the value, after one trip through the event
 * loop).
 *
 * Only the calling greenlet waits: it switches to the main greenlet (whose pending
 * `switch()` returns `undefined`) and is resumed from the promise's reaction. While it
 * waits, a plain `switch()` to it throws `GreenletError`; `g.throw(err)` and
 * `task.kill()` interrupt the wait. In the main greenlet it throws `GreenletError`: the
 * event loop would block. Use `spawn()` or `asyncify()` to run the code in a greenlet.
 *
 * @example
 * const body = waitFor(fs.promises.readFile('config.json', 'utf8'));
 */
export function waitFor<T>(promise: T): Awaited<T> {
  return waitOn('waitFor()', promise);
}

const MAX_TIMER = 2 ** 31 - 1;

/**
 * Sleeps `ms` milliseconds (default 0: one turn of the event loop) in the current
 * greenlet; the event loop and other greenlets run meanwhile. Like `setTimeout`, a
 * pending sleep keeps the process alive. `Infinity` sleeps until interrupted.
 * Throws `GreenletError` in the main greenlet and `RangeError` for a negative or NaN
 * `ms`.
 *
 * @example
 * for (let i = 3; i > 0; i--) { console.log(i); sleep(1000); }
 */
export function sleep(ms = 0): void {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new RangeError(`sleep() takes a number of milliseconds >= 0, not ${String(ms)}`);
  }
  assertCanWait('sleep()');
  let timer: NodeJS.Timeout | undefined;
  try {
    suspend('sleep()', (waiter) => {
      // setTimeout cannot wait longer than 2^31-1 ms at once: chain the rest.
      const arm = (left: number): void => {
        const step = Math.min(left, MAX_TIMER);
        timer = setTimeout(() => {
          timer = undefined;
          if (left > step) arm(left - step);
          else wake(waiter, false, undefined);
        }, step);
      };
      arm(ms);
    }, ms);
  } finally {
    // Interrupted (killed, thrown into): the timer must not keep the process alive.
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * The sync-style version of the async function type `F`: each of its overloads (up to
 * 16; generic ones at their constraints) returns what its promise resolves to, so
 * `blocking(fs.promises.readFile)('f', 'utf8')` is a `string`.
 */
export type Blocking<F> = IsAny<F> extends true ? (...args: unknown[]) => unknown : Overloads<Signatures<F>>;
type Overloads<L> = L extends [[infer P extends unknown[], infer R], ...infer Rest]
  ? ((...args: P) => Awaited<R>) & Overloads<Rest>
  : unknown;

/**
 * Makes a sync-style function of an async one: the result calls `asyncFn` with the same
 * `this` and arguments and waits (as `waitFor()` does) for the promise it returns.
 * Calling it in the main greenlet throws `GreenletError` before `asyncFn` is called.
 *
 * @example
 * const readFile = blocking(fs.promises.readFile);
 * spawn(() => console.log(readFile('notes.txt', 'utf8')));
 */
export function blocking<F extends (...args: never) => unknown>(asyncFn: F): Blocking<F> {
  if (typeof asyncFn !== 'function') throw new TypeError('blocking() takes a function');
  const name = asyncFn.name === '' ? 'a blocking() function' : `blocking(${asyncFn.name})`;
  const call = asyncFn as unknown as (...args: unknown[]) => unknown;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    assertCanWait(name);
    return waitOn(name, call.apply(this, args));
  };
  Object.defineProperty(wrapped, 'name', { value: asyncFn.name });
  return wrapped as Blocking<F>;
}
