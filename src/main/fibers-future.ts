// node-fibers' Future (`require('fibers/future')`) on tendril's Fiber, written from
// node-fibers' documentation. A Future is a value that arrives later: `return(value)` /
// `throw(error)` settle it once, callbacks given to `resolve()` run at that moment, and
// `wait()` inside a fiber yields until it settles. Loading this module installs
// `Function.prototype.future()` (non-enumerable), as node-fibers' future.js does.
import Fiber = require('./fibers');

/** A node-style callback: `(error)` or `(undefined, value)`. */
type Errback<T> = (error: unknown, value?: T) => void;

type Listener<T> =
  | { readonly kind: 'errback'; readonly errback: Errback<T> }
  | { readonly kind: 'split'; readonly onError: Future<any>; readonly onValue: (value: T) => void };

/** Rethrows outside the code that settled a future, as an uncaught exception. */
function throwLater(error: unknown): void {
  process.nextTick(() => {
    throw error;
  });
}

/**
 * A future's state. It lives outside the object (in `states`) rather than in ES private
 * fields, which would put `#private` into the published declarations (TypeScript rejects
 * that below target ES2015: TS18028); node-fibers' own fields stay hidden all the same.
 */
interface State<T> {
  settled: boolean;
  failed: boolean;
  value: T | undefined;
  error: unknown;
  listeners: Listener<T>[];
}

const states = new WeakMap<object, State<unknown>>();

function stateOf<T>(future: Future<T>): State<T> {
  const state = states.get(future);
  if (state === undefined) throw new TypeError('a Future method called on something that is not a Future');
  return state as State<T>;
}

/** Runs every callback; what one throws goes on to the event loop, not to the settler. */
function notify<T>(state: State<T>): void {
  const listeners = state.listeners;
  state.listeners = [];
  for (const listener of listeners) {
    try {
      deliver(state, listener);
    } catch (error) {
      throwLater(error);
    }
  }
}

function deliver<T>(state: State<T>, listener: Listener<T>): void {
  if (listener.kind === 'errback') {
    if (state.failed) listener.errback(state.error);
    else listener.errback(undefined, state.value);
  } else if (state.failed) {
    listener.onError.throw(state.error);
  } else {
    listener.onValue(state.value as T);
  }
}

class Future<T = any> {
  /** What the wrapped function returned, for futures made by Future.wrap(). */
  _?: unknown;

  constructor() {
    states.set(this, { settled: false, failed: false, value: undefined, error: undefined, listeners: [] });
  }

  /**
   * Waits until every future given (directly or in arrays) has settled, yielding the
   * current fiber meanwhile. Does not throw their errors: `get()` each one for that.
   * Throws outside a fiber, and for an argument that is not a future.
   */
  static wait(...futures: (Future<any> | Future<any>[])[]): void {
    const pending: Future<any>[] = [];
    let inline: FunctionFuture<any> | undefined;
    const add = (future: unknown): void => {
      if (!(future instanceof Future)) throw new Error(`${String(future)} is not a future`);
      if (future.isResolved()) return;
      // A future of a function nobody started yet runs right here, in the waiting fiber.
      if (inline === undefined && future instanceof FunctionFuture && !future.started) inline = future;
      else pending.push(future);
    };
    for (const argument of futures) {
      if (Array.isArray(argument)) argument.forEach(add);
      else add(argument);
    }
    const fiber = Fiber.current;
    if (fiber === undefined) throw new Error("Can't wait without a fiber");
    let left = pending.length;
    let parked = false;
    const settled = (): void => {
      if (--left === 0 && parked) fiber.run();
    };
    for (const future of pending) future.resolve(settled);
    inline?.runHere();
    if (left === 0) return;
    parked = true;
    try {
      Fiber.yield();
    } finally {
      parked = false;
    }
  }

  /**
   * Runs `fn` in a fiber of its own and returns a future of its result; given several
   * functions, runs each so and returns a future of the array of their results (or of
   * an error one of them threw).
   */
  static task<R>(fn: () => R, ...more: (() => unknown)[]): Future<any> {
    if (more.length === 0) return new FunctionFuture<R>(fn, undefined, []);
    const all = [fn, ...more];
    const joined = new Future<unknown[]>();
    const values = new Array<unknown>(all.length);
    let left = all.length;
    let failure: { error: unknown } | null = null;
    all.forEach((each, index) => {
      new FunctionFuture(each, undefined, []).resolve((error, value) => {
        if (error) failure = { error };
        values[index] = value;
        if (--left > 0) return;
        if (failure === null) joined.return(values);
        else joined.throw(failure.error);
      });
    });
    return joined;
  }

  /**
   * Makes a node-style async function (callback last) return a future instead. Given an
   * object, returns an object inheriting from it with a future-returning `nameFuture`
   * (or `name` + `suffix`) beside each of its methods. `multi`: the callback passes
   * several values after the error; the future's value is their array.
   */
  static wrap<F extends (...args: any[]) => unknown>(fn: F, multi?: boolean, suffix?: string): (...args: any[]) => Future<any>;
  static wrap<O extends object>(object: O, multi?: boolean, suffix?: string): O & Record<string, (...args: any[]) => Future<any>>;
  static wrap(target: unknown, multi?: boolean, suffix?: string): unknown {
    return wrap(target, multi === true, suffix ?? 'Future', true);
  }

  /** A future settled as `promise` settles. */
  static fromPromise<R>(promise: PromiseLike<R>): Future<R> {
    const future = new Future<R>();
    promise.then(
      (value) => future.return(value),
      (error: unknown) => future.throw(error),
    );
    return future;
  }

  /** The value; throws the error of a future that threw, or if it has not settled yet. */
  get(): T {
    const state = stateOf(this);
    if (!state.settled) throw new Error('Future must resolve before value is ready');
    if (state.failed) throw state.error;
    return state.value as T;
  }

  /** Settles the future with `value`, running every callback now. */
  return(value?: T): void {
    const state = stateOf(this);
    if (state.settled) throw new Error('Future resolved more than once');
    state.settled = true;
    state.value = value;
    notify(state);
  }

  /** Settles the future with `error` (which must be truthy), running every callback now. */
  throw(error: unknown): void {
    const state = stateOf(this);
    if (state.settled) throw new Error('Future resolved more than once');
    if (!error) throw new Error('Must throw non-empty error');
    state.settled = true;
    state.failed = true;
    state.error = error;
    notify(state);
  }

  /**
   * Calls `errback(error)` or `errback(undefined, value)` once the future settles (now,
   * if it has). With two arguments, an error is thrown into the future `onError` and a
   * value goes to `onValue`. Returns this future.
   */
  resolve(errback: Errback<T>): this;
  resolve(onError: Future<any>, onValue: (value: T) => void): this;
  resolve(first: Errback<T> | Future<any>, onValue?: (value: T) => void): this {
    const listener: Listener<T> = onValue
      ? { kind: 'split', onError: first as Future<any>, onValue }
      : { kind: 'errback', errback: first as Errback<T> };
    const state = stateOf(this);
    if (state.settled) deliver(state, listener);
    else state.listeners.push(listener);
    return this;
  }

  /** Calls `onValue(value)` once the future settles with a value; errors are ignored. */
  resolveSuccess(onValue: (value: T) => void): this {
    return this.resolve((error, value) => {
      if (!error) onValue(value as T);
    });
  }

  /** Settles `future` the way this one settles. */
  proxy(future: Future<T>): void {
    this.resolve((error, value) => {
      if (error) future.throw(error);
      else future.return(value);
    });
  }

  /** Throws this future's error, if it gets one, into `futures` (one or an array). */
  proxyErrors(futures: Future<any> | Future<any>[]): this {
    return this.resolve((error) => {
      if (!error) return;
      for (const future of Array.isArray(futures) ? futures : [futures]) future.throw(error);
    });
  }

  /** If the future throws, the error becomes an uncaught exception. */
  detach(): void {
    this.resolve((error) => {
      if (error) throw error;
    });
  }

  isResolved(): boolean {
    return stateOf(this).settled;
  }

  /** A node-style callback `(error, value)` that settles this future. */
  resolver(): Errback<T> {
    return (error, value) => {
      if (error) this.throw(error);
      else this.return(value);
    };
  }

  /** A Promise that settles as this future does. */
  promise(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.resolve((error, value) => {
        if (error) reject(error);
        else resolve(value as T);
      });
    });
  }

  /** Waits (in a fiber) until the future settles, then returns its value or throws its error. */
  wait(): T {
    if (!stateOf(this).settled) Future.wait(this);
    return this.get();
  }
}

/**
 * The future of a call of `fn`: it runs in a new fiber on the next tick, unless a fiber
 * waits for it first, in which case it runs right there in the waiting fiber.
 */
class FunctionFuture<R> extends Future<R> {
  started = false;

  constructor(
    private readonly fn: (...args: any[]) => R,
    private readonly self: unknown,
    private readonly args: readonly unknown[],
  ) {
    super();
    process.nextTick(() => {
      if (!this.started) Fiber(() => this.runHere()).run();
    });
  }

  /** Runs the function in the current fiber and settles the future with its outcome. */
  runHere(): void {
    this.started = true;
    let value: R;
    try {
      value = Reflect.apply(this.fn, this.self, this.args);
    } catch (error) {
      this.throw(error);
      return;
    }
    this.return(value);
  }
}

function wrap(target: unknown, multi: boolean, suffix: string, withMethods: boolean): unknown {
  if (typeof target === 'function') {
    const fn = target as (...args: unknown[]) => unknown;
    const wrapped = function (this: unknown, ...args: unknown[]): Future {
      const future = new Future();
      const settle = future.resolver();
      args.push(multi ? (error: unknown, ...values: unknown[]) => settle(error, values) : settle);
      future._ = Reflect.apply(fn, this, args);
      return future;
    };
    // Functions with methods of their own (like `request.get`) get future versions of
    // those too, through the prototype chain.
    if (withMethods) Object.setPrototypeOf(wrapped, wrapMethods(fn, Object.keys(fn), multi, suffix, false));
    return wrapped;
  }
  if (typeof target === 'object' && target !== null) {
    const keys: string[] = [];
    for (const key in target) keys.push(key);
    return wrapMethods(target, keys, multi, suffix, true);
  }
  return undefined;
}

/**
 * An object inheriting from `target` with a future version of each of its methods in
 * `keys`; `withMethods`: those get future versions of their own methods too.
 */
function wrapMethods(target: object, keys: string[], multi: boolean, suffix: string, withMethods: boolean): object {
  const wrapped = Object.create(target) as Record<string, unknown>;
  for (const key of keys) {
    const method = (target as Record<string, unknown>)[key];
    if (typeof method === 'function') wrapped[key + suffix] = wrap(method, multi, suffix, withMethods);
  }
  return wrapped;
}

declare global {
  interface Function {
    /**
     * Installed by tendril/fibers/future (node-fibers' extension): a function that calls
     * this one in a fiber of its own and returns a future of its result. `detach`: the
     * future is detached (an error it gets becomes an uncaught exception).
     */
    future(detach?: boolean): (...args: any[]) => Future<any>;
  }
}

Object.defineProperty(Function.prototype, 'future', {
  configurable: true,
  writable: true,
  value: function future(this: (...args: any[]) => unknown, detach?: boolean) {
    const fn = this;
    return function (this: unknown, ...args: unknown[]): Future {
      const result = new FunctionFuture(fn, this, args);
      if (detach) result.detach();
      return result;
    };
  },
});

export = Future;
