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
 * The state and logic of one task. It lives outside the Task object (in `cores`) rather
 * than in ES private fields: those would put `#private` into the published
 * declarations, which TypeScript rejects below target ES2015 (TS18028).
 */
class Core<T> {
  state = State.Scheduled;
  resolve!: (value: T | GreenletExit) => void;
  reject!: (error: unknown) => void;
  /** Resolves when the task has ended, however; never rejects (kill() waits on it). */
  readonly ended: Promise<void>;
  markEnded!: () => void;

  constructor(readonly task: Task<T>) {
    this.ended = new Promise<void>((resolve) => {
      this.markEnded = resolve;
    });
  }

  /** In the main greenlet. The task catches whatever fn throws, so an error here is a
   *  refused switch: it goes to the caller. */
  throwIn(): void {
    if (this.state !== State.Running) return;
    this.task.greenlet.throw(new GreenletExit());
  }

  start(): void {
    if (this.state !== State.Scheduled) return;
    this.state = State.Running;
    try {
      this.task.greenlet.switch();
    } catch (error) {
      // The greenlet could not start (no thread for it, shutting down): the task fails.
      if (!this.task.greenlet.started) this.finish(true, error);
      else reportUnhandled(error);
    }
  }

  run(fn: (...args: never) => T, args: readonly unknown[]): void {
    try {
      this.finish(false, (fn as (...args: unknown[]) => T)(...args));
    } catch (error) {
      if (error instanceof GreenletExit) this.finish(false, error);
      else this.finish(true, error);
    }
  }

  finish(failed: boolean, value: unknown): void {
    if (this.state === State.Dead) return;
    this.state = State.Dead;
    if (failed) this.reject(value);
    else this.resolve(value as T | GreenletExit);
    this.markEnded();
  }
}

const cores = new WeakMap<object, Core<unknown>>();

/** The core of a task; a TypeError for anything that is not one (`Task.prototype.kill.call({})`). */
function coreOf<T>(task: Task<T>, what: string): Core<T> {
  const core = typeof task === 'object' && task !== null ? cores.get(task) : undefined;
  if (core === undefined) throw new TypeError(`${what} called on something that is not a Task`);
  return core as Core<T>;
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

  /** Use `spawn(fn, ...args)`; this is what it does. */
  constructor(fn: (...args: never) => T, args: readonly unknown[] = []) {
    if (typeof fn !== 'function') throw new TypeError('spawn() takes a function');
    const core = new Core<T>(this);
    cores.set(this, core as Core<unknown>);
    this.promise = new Promise<Awaited<T> | GreenletExit>((resolve, reject) => {
      core.resolve = resolve as (value: T | GreenletExit) => void;
      core.reject = reject;
    });
    this.greenlet = new Greenlet(() => core.run(fn, args), Greenlet.main);
    later(() => core.start());
  }

  /** True once the task has ended (returned, thrown, or been killed). */
  get dead(): boolean {
    return coreOf(this, 'Task#dead').state === State.Dead;
  }

  /**
   * Waits (in a greenlet) until the task ends and returns its value (the `GreenletExit`
   * when it was killed) or throws its error; either way its error then counts as
   * handled. In the main greenlet it throws `GreenletError`: async code awaits
   * `task.promise` instead. A task cannot join itself.
   */
  join(): Awaited<T> | GreenletExit {
    coreOf(this, 'Task#join()');
    assertCanWait('Task.join()');
    if (getCurrent() === this.greenlet) {
      throw new GreenletError('a task cannot join itself: it would wait for its own end forever');
    }
    return waitOn('Task.join()', this.promise, this);
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
    const core = coreOf(this, 'Task#kill()');
    if (core.state === State.Dead) return;
    if (core.state === State.Scheduled) {
      core.finish(false, new GreenletExit());
      return;
    }
    const current = getCurrent();
    if (current === this.greenlet) throw new GreenletExit();
    if (current.isMain) {
      if (raiseWhenCallReturns(this.greenlet, new GreenletExit())) return;
      if (holdWhileServing(() => core.throwIn())) return;
      core.throwIn();
      return;
    }
    // A switch from here would leave this greenlet parked with nobody to resume it (the
    // task's parent is the main greenlet): let the event loop deliver the exit.
    later(() => core.throwIn());
    waitOn('Task.kill()', core.ended, this);
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
  return new Task<T>(fn, args);
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
