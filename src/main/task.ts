// spawn() and asyncify(): greenlets started from the event loop, as tasks that can be
// joined (from greenlets), awaited (from async code) and killed.
import { GreenletError, GreenletExit } from './errors';
import { assertCanWait, getCurrent, Greenlet, holdWhileServing, raiseWhenCallReturns } from './greenlet';
import { later, reportUnhandled, waitOn } from './loop';

const enum State {
  Scheduled,
  Running,
  Dead,
}

/**
 * A function running in its own greenlet, started by `spawn()`. Its parent is the main
 * greenlet, so it runs until it waits or ends and then gives control back to the event
 * loop.
 *
 * It ends with `fn`'s return value, with the error `fn` throws, or, when killed, with
 * the `GreenletExit` instance as its value (python-greenlet's rule: GreenletExit ends a
 * greenlet quietly). An error that no `join()` and no handler on `promise` takes is
 * reported as an unhandled rejection, exactly like a failing async function nobody
 * awaits: `process.on('unhandledRejection')` sees it, and without such a listener the
 * process exits with an error.
 */
export class Task<T = unknown> {
  /** The greenlet the task runs in (not started until the task starts). */
  readonly greenlet: Greenlet;
  /**
   * Settles when the task ends: resolves with what `fn` returned (or with the
   * `GreenletExit` that killed it), rejects with what `fn` threw.
   */
  readonly promise: Promise<Awaited<T> | GreenletExit>;
  #state = State.Scheduled;
  #resolve!: (value: T | GreenletExit) => void;
  #reject!: (error: unknown) => void;
  /** Resolves when the task has ended, however; never rejects (kill() waits on it). */
  readonly #ended: Promise<void>;
  #markEnded!: () => void;

  /** Use `spawn(fn, ...args)`; this is what it does. */
  constructor(fn: (...args: any[]) => T, args: readonly unknown[] = []) {
    if (typeof fn !== 'function') throw new TypeError('spawn() takes a function');
    this.promise = new Promise<Awaited<T> | GreenletExit>((resolve, reject) => {
      this.#resolve = resolve as (value: T | GreenletExit) => void;
      this.#reject = reject;
    });
    this.#ended = new Promise<void>((resolve) => {
      this.#markEnded = resolve;
    });
    this.greenlet = new Greenlet(() => this.#run(fn, args), Greenlet.main);
    later(() => this.#start());
  }

  /** True once the task has ended (returned, thrown, or been killed). */
  get dead(): boolean {
    return this.#state === State.Dead;
  }

  /**
   * Waits (in a greenlet) until the task ends and returns its value (the `GreenletExit`
   * when it was killed) or throws its error; either way its error then counts as
   * handled. In the main greenlet it throws `GreenletError`: async code awaits
   * `task.promise` instead. A task cannot join itself.
   */
  join(): Awaited<T> | GreenletExit {
    if (!(typeof this === 'object' && this !== null && #state in this)) {
      throw new TypeError('Task.prototype.join called on something that is not a Task');
    }
    assertCanWait('Task.join()');
    if (getCurrent() === this.greenlet) {
      throw new GreenletError('a task cannot join itself: it would wait for its own end forever');
    }
    return waitOn('Task.join()', this.promise);
  }

  /**
   * Kills the task: raises `GreenletExit` in it where it is (also while it waits in
   * waitFor(), sleep(), receive() or join()), so its `finally` blocks run; the task then
   * ends with the GreenletExit as its value. A task that never started just ends; a
   * dead one is left alone.
   *
   * From the main greenlet it returns once the task has handled the exit (ended, or
   * caught it and waits again). Inside an `onMain()` call, where no switch may happen
   * (an Electron listener running inside a marshalled call), it returns at once: the
   * exit is raised in the task when the call returns if the task is the one waiting for
   * that call, else once the call has returned. From another greenlet the exit is
   * delivered from the event loop and `kill()` waits until the task has ended. Inside
   * the task itself it throws the GreenletExit right there.
   */
  kill(): void {
    if (this.#state === State.Dead) return;
    if (this.#state === State.Scheduled) {
      this.#finish(false, new GreenletExit());
      return;
    }
    const current = getCurrent();
    if (current === this.greenlet) throw new GreenletExit();
    if (current.isMain) {
      if (raiseWhenCallReturns(this.greenlet, new GreenletExit())) return;
      if (holdWhileServing(() => this.#throwIn())) return;
      this.#throwIn();
      return;
    }
    // A switch from here would leave this greenlet parked with nobody to resume it (the
    // task's parent is the main greenlet): let the event loop deliver the exit.
    later(() => this.#throwIn());
    waitOn('Task.kill()', this.#ended);
  }

  /** In the main greenlet. The task catches whatever fn throws, so an error here is a
   *  refused switch: it goes to the caller. */
  #throwIn(): void {
    if (this.#state !== State.Running) return;
    this.greenlet.throw(new GreenletExit());
  }

  #start(): void {
    if (this.#state !== State.Scheduled) return;
    this.#state = State.Running;
    try {
      this.greenlet.switch();
    } catch (error) {
      // The greenlet could not start (no thread for it, shutting down): the task fails.
      if (!this.greenlet.started) this.#finish(true, error);
      else reportUnhandled(error);
    }
  }

  #run(fn: (...args: any[]) => T, args: readonly unknown[]): void {
    try {
      this.#finish(false, fn(...args));
    } catch (error) {
      if (error instanceof GreenletExit) this.#finish(false, error);
      else this.#finish(true, error);
    }
  }

  #finish(failed: boolean, value: unknown): void {
    if (this.#state === State.Dead) return;
    this.#state = State.Dead;
    if (failed) this.#reject(value);
    else this.#resolve(value as T | GreenletExit);
    this.#markEnded();
  }

  get [Symbol.toStringTag](): string {
    return 'Task';
  }
}

/**
 * Runs `fn(...args)` in a new greenlet whose parent is the main greenlet, starting it
 * from the event loop right after the current code (a microtask); returns its Task.
 * Inside, `fn` may call waitFor(), sleep(), receive(), join(): it waits while the event
 * loop runs. Works the same from async code and from other greenlets.
 *
 * @example
 * const task = spawn((url) => waitFor(fetch(url)).status, 'http://localhost:8080/');
 * console.log(await task.promise);
 */
export function spawn<A extends unknown[], T>(fn: (...args: A) => T, ...args: A): Task<T> {
  return new Task<T>(fn as (...args: any[]) => T, args);
}

/**
 * Makes an async-callable function of sync-style code: each call runs `fn` with the
 * same `this` and arguments in a new greenlet (as `spawn()` does) and returns a Promise
 * of its result, rejected with what it throws.
 *
 * @example
 * const load = asyncify((path) => JSON.parse(waitFor(fs.promises.readFile(path, 'utf8'))));
 * const config = await load('config.json');
 */
export function asyncify<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => Promise<Awaited<T>> {
  if (typeof fn !== 'function') throw new TypeError('asyncify() takes a function');
  const wrapped = function (this: unknown, ...args: A): Promise<Awaited<T>> {
    const self = this;
    return spawn(() => fn.apply(self, args)).promise as Promise<Awaited<T>>;
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  return wrapped;
}
