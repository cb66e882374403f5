// node-fibers' Fiber (`require('fibers')`) on greenlets, so code written against
// node-fibers runs on current Node and Electron. Behaviour follows node-fibers'
// documentation: `Fiber(fn)` with or without `new`; `run(value)` starts the fiber as
// `fn(value)` or makes its pending `Fiber.yield()` return `value`, and returns what the
// fiber next yields or returns; `Fiber.yield(value)` goes back to whoever last ran the
// fiber; `throwInto(error)` raises in a yielding fiber; `reset()` unwinds it (every
// `yield()` throws until `fn` has returned); a fiber whose `fn` returned is reset and can
// be run again. Misuse throws the errors node-fibers throws.
//
// A fiber is a greenlet whose parent is set to the caller of every run(): yield() is a
// switch to that parent. A fiber whose Fiber object is collected while it yields is
// unwound like reset(), as node-fibers does.
import { configure, currentOptions, getCurrent, Greenlet, quietFreezeReportsByDefault } from './greenlet';

// node-fibers never reported a fiber that kept the event loop waiting, and code written
// for it prints nothing of the kind: freeze reports stay off unless the app asks.
quietFreezeReportsByDefault();

type FiberFunction = (value?: any) => unknown;

/** A node-fibers Fiber. */
interface Fiber {
  /**
   * Starts the fiber (`fn(value)`, or `fn()` without an argument) or resumes its pending
   * `Fiber.yield()`, which returns `value`. Returns what the fiber next yields or
   * returns; an error it throws is thrown here.
   */
  run(value?: unknown): unknown;
  /** Makes the pending `Fiber.yield()` of this fiber throw `error`; returns like run(). */
  throwInto(error?: unknown): unknown;
  /**
   * Unwinds a yielding fiber: its pending and every later `Fiber.yield()` throw until
   * its function has returned. Returns what the function returned; an error other than
   * the unwinding one is thrown here. Does nothing to a fiber that is not started.
   */
  reset(): unknown;
  /** True from the first run() until the fiber's function returns. */
  readonly started: boolean;
}

interface FiberConstructor {
  new (fn: FiberFunction): Fiber;
  (fn: FiberFunction): Fiber;
  readonly prototype: Fiber;
  /** The fiber running now; undefined outside fibers. */
  readonly current: Fiber | undefined;
  /**
   * Stops the current fiber and returns to whoever last ran it, whose run() returns
   * `value`. Returns the value of the run() that resumes it.
   */
  yield(value?: unknown): unknown;
  /** How many finished fibers' threads are kept for reuse (tendril's `idleCarriers`). */
  poolSize: number;
}

/** Everything about one fiber. Its Fiber object may be collected while it yields. */
class FiberState {
  /** The greenlet of the current run, from the first run() until `fn` returns. */
  greenlet: Greenlet | null = null;
  /** Parked in Fiber.yield(). */
  yielding = false;
  /** Set while the fiber is unwound: every yield() throws this until `fn` has returned. */
  unwinding: { readonly error: unknown } | null = null;
  object!: WeakRef<FiberObject>;

  constructor(
    readonly fn: FiberFunction,
    /** What `new` was applied to (Fiber or a subclass), to recreate a collected object. */
    readonly newTarget: new (...args: any[]) => unknown,
  ) {}
}

/** The state of each running fiber's greenlet. */
const running = new WeakMap<Greenlet, FiberState>();

class FiberObject implements Fiber {
  readonly #state: FiberState;

  constructor(state: FiberState) {
    this.#state = state;
    state.object = new WeakRef(this);
    orphans.register(this, state);
  }

  static peek(value: unknown): FiberState | undefined {
    return typeof value === 'object' && value !== null && #state in value ? (value as FiberObject).#state : undefined;
  }

  static stateOf(value: unknown): FiberState {
    // node-fibers' methods are native functions with a signature check.
    const state = FiberObject.peek(value);
    if (state === undefined) throw new TypeError('Illegal invocation');
    return state;
  }

  run(...args: [value?: unknown]): unknown {
    const state = FiberObject.stateOf(this);
    if (state.greenlet !== null && !state.yielding) throw new Error('This Fiber is already running');
    if (args.length > 1) throw new TypeError('run() excepts 1 or no arguments');
    if (state.greenlet !== null) {
      state.greenlet.parent = getCurrent();
      return state.greenlet.switch(...args);
    }
    const greenlet = new Greenlet(body(state));
    state.greenlet = greenlet;
    running.set(greenlet, state);
    try {
      return greenlet.switch(...args);
    } catch (error) {
      // It could not start (no thread for it, shutting down): still not started.
      if (!greenlet.started) state.greenlet = null;
      throw error;
    }
  }

  throwInto(...args: [error?: unknown]): unknown {
    const state = FiberObject.stateOf(this);
    if (!state.yielding) throw new Error('This Fiber is not yielding');
    if (args.length > 1) throw new TypeError('throwInto() expects 1 or no arguments');
    state.greenlet!.parent = getCurrent();
    return state.greenlet!.throw(args[0]);
  }

  reset(...args: []): unknown {
    const state = FiberObject.stateOf(this);
    if (state.greenlet === null) return undefined;
    if (!state.yielding) throw new Error('This Fiber is not yielding');
    if (args.length > 0) throw new TypeError('reset() expects no arguments');
    return unwind(state);
  }

  get started(): boolean {
    // node-fibers' getter gives undefined for anything but a fiber (Fiber.prototype too).
    const state = FiberObject.peek(this);
    return (state === undefined ? undefined : state.greenlet !== null) as boolean;
  }
}

/** What the fiber's greenlet runs: `fn` with `this` the global object, as node-fibers. */
function body(state: FiberState): (...args: unknown[]) => unknown {
  // Refers to the state, never to the Fiber object, which may be collected meanwhile.
  return (...args) => {
    try {
      return Reflect.apply(state.fn, globalThis, args);
    } finally {
      running.delete(state.greenlet!);
      state.greenlet = null;
      state.unwinding = null;
    }
  };
}

/** The Fiber object of a state; a collected one is recreated (its fiber is unwinding). */
function objectOf(state: FiberState): Fiber {
  return state.object.deref() ?? (Reflect.construct(FiberObject, [state], state.newTarget) as FiberObject);
}

/** reset(): throws the unwinding error into a yielding fiber until its function returns. */
function unwind(state: FiberState): unknown {
  const zombie = new Error('This Fiber is a zombie');
  state.unwinding = { error: zombie };
  state.greenlet!.parent = getCurrent();
  try {
    return state.greenlet!.throw(zombie);
  } catch (error) {
    if (state.yielding) state.unwinding = null; // the switch itself was refused
    if (error === zombie) return undefined;
    throw error;
  }
}

/**
 * A fiber whose Fiber object was collected while it yields can never be resumed: it is
 * unwound from the event loop. What escapes its function other than the unwinding error
 * has nobody to go to and becomes an uncaught exception (node-fibers exits the process).
 */
function unwindOrphan(state: FiberState): void {
  if (state.greenlet === null || !state.yielding || state.object.deref() !== undefined) return;
  try {
    unwind(state);
  } catch (error) {
    if (state.yielding) setImmediate(unwindOrphan, state); // no switch possible now: later
    else throw error;
  }
}

const orphans = new FinalizationRegistry<FiberState>((state) => {
  if (state.greenlet !== null && state.yielding) setImmediate(unwindOrphan, state);
});

function fiberYield(...args: [value?: unknown]): unknown {
  const state = running.get(getCurrent());
  if (state === undefined) throw new Error('yield() called with no fiber running');
  if (state.unwinding !== null) throw state.unwinding.error;
  if (args.length > 1) throw new TypeError('yield() expects 1 or no arguments');
  state.yielding = true;
  try {
    return state.greenlet!.parent!.switch(...args);
  } finally {
    state.yielding = false;
  }
}

/** node-fibers' Fiber: `Fiber(fn)` or `new Fiber(fn)`. */
const Fiber = function Fiber(this: unknown, ...args: [fn: FiberFunction]): Fiber {
  if (args.length !== 1) throw new TypeError('Fiber expects 1 argument');
  const [fn] = args;
  if (typeof fn !== 'function') throw new TypeError('Fiber expects a function');
  const newTarget = (new.target ?? Fiber) as unknown as new (...args: any[]) => unknown;
  return Reflect.construct(FiberObject, [new FiberState(fn, newTarget)], newTarget) as Fiber;
} as unknown as FiberConstructor;

Object.defineProperty(Fiber, 'prototype', { value: FiberObject.prototype, writable: false });
Object.defineProperty(FiberObject.prototype, 'constructor', { value: Fiber, writable: true, configurable: true });
Object.defineProperties(Fiber, {
  current: {
    get(): Fiber | undefined {
      const state = running.get(getCurrent());
      return state === undefined ? undefined : objectOf(state);
    },
    enumerable: true,
  },
  yield: { value: fiberYield, writable: true, enumerable: true },
  poolSize: {
    get(): number {
      return currentOptions().idleCarriers;
    },
    set(value: unknown) {
      configure({ idleCarriers: Math.trunc(Number(value)) });
    },
    enumerable: true,
  },
});
export = Fiber;
