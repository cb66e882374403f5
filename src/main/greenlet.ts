// Greenlet semantics (python-greenlet's, in JavaScript idiom) on top of the native
// handoff. Everything here runs on whichever thread holds the V8 lock, one at a time,
// so the module state below needs no locking.
import { executionAsyncId } from 'node:async_hooks';
import { binding, MAIN_CARRIER, switchCarrier, Wake } from './native';
import type { GcStats } from './native';
import { GreenletError, GreenletExit } from './errors';

export type RunFunction = (...args: any[]) => unknown;
export type TraceEvent = 'switch' | 'throw';
export type Tracer = (event: TraceEvent, origin: Greenlet, target: Greenlet) => void;

const enum State {
  New,
  Active,
  Dead,
}

/** What a switch delivers: arguments for the target, or an error to raise in it. */
type Message = { readonly failed: false; readonly args: unknown[] } | { readonly failed: true; readonly error: unknown };

/**
 * The state of one greenlet. It never holds its own Greenlet object strongly, so that
 * object can be collected while the greenlet is suspended (and the greenlet killed).
 */
class Record {
  state = State.New;
  carrier = -1;
  run: RunFunction | undefined = undefined;
  /** Set while the greenlet is parked somewhere a plain switch must not wake it. */
  waitingIn: string | null = null;
  /** The suspension resume() may end, while the greenlet waits in suspend(). */
  waiter: Waiter | null = null;
  /** The function and `this` a started greenlet calls; dropped when it ends. */
  entry: { fn: RunFunction; self: unknown } | null = null;
  ref: WeakRef<Greenlet> | null = null;
  /** executionAsyncId() when the greenlet last resumed: a different one at a switch
   *  means it is inside an async scope it entered itself. */
  asyncId = 0;

  constructor(
    public parent: Greenlet | null,
    readonly proto: object,
    readonly mainObject: Greenlet | null = null,
  ) {}
}

const records = new WeakMap<object, Record>();
/** Started greenlets that have not finished: what teardown has to kill. */
const live = new Set<Record>();
/** Greenlets that survived the kill of their collected object; kept alive from here on. */
const survivors = new Set<Greenlet>();

let current: Record;
let mainRecord: Record;
let tracer: Tracer | null = null;
/** The message and origin of the switch in flight, read by the target after it wakes. */
let incoming: { message: Message; origin: Record } | null = null;
/** An onMain() call waiting to be served by the main thread. */
let pendingCall: MainCall | null = null;
/** True while the main thread runs an onMain() function on behalf of a greenlet. */
let serving = false;
/** The call being served, while `serving`. */
let served: MainCall | null = null;
let tearingDown = false;

interface MainCall {
  fn: () => unknown;
  caller: Record;
  failed: boolean;
  value: unknown;
  /** Raised in the caller once the call has run (it was killed while it waited). */
  raise: { error: unknown } | null;
}

function recordOf(value: unknown, what: string): Record {
  const record = typeof value === 'object' && value !== null ? records.get(value) : undefined;
  if (record === undefined) {
    throw new TypeError(`${what} must be a Greenlet of this thread, not ${describe(value)}`);
  }
  return record;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value)})`;
  return typeof value === 'function' ? 'a function' : `${typeof value} ${String(value)}`;
}

/** The Greenlet object of a record; a collected one is recreated (python's resurrection). */
function objectOf(record: Record): Greenlet {
  if (record.mainObject !== null) return record.mainObject;
  let object = record.ref?.deref();
  if (object === undefined) {
    object = Object.create(record.proto) as Greenlet;
    adopt(object, record);
  }
  return object;
}

function adopt(object: Greenlet, record: Record): void {
  records.set(object, record);
  record.ref = new WeakRef(object);
  orphans.register(object, record, record);
}

function unpack(args: unknown[]): unknown {
  return args.length === 0 ? undefined : args.length === 1 ? args[0] : args;
}

function ensureCanSwitch(): void {
  if (tearingDown) {
    throw new GreenletError('cannot switch greenlets while the environment is shutting down');
  }
  if (current !== mainRecord && executionAsyncId() !== current.asyncId) {
    throw new GreenletError(
      'cannot switch away inside an async scope this greenlet entered (AsyncResource#runInAsyncScope, ' +
        'a bound callback, an EventEmitterAsyncResource listener): Node keeps one async-hooks stack ' +
        'per thread of JavaScript, and leaving the scope open across a switch would corrupt it. ' +
        'Switch after the scope has returned.',
    );
  }
  if (serving) {
    throw new GreenletError(
      'cannot switch greenlets inside an onMain() call: it runs on the event-loop thread ' +
        'while the calling greenlet waits; switch after onMain() returns',
    );
  }
}

/**
 * Looks up what a greenlet about to start will call (it may still have none): its
 * `run` property, as python-greenlet looks up the attribute, so a subclass's run()
 * method wins over a function given to the constructor. Property getters run here.
 */
function entryOf(record: Record): { fn: RunFunction; self: unknown } | null {
  const object = record.ref?.deref();
  const run: unknown = object === undefined ? record.run : (object as { run?: unknown }).run;
  if (typeof run !== 'function') return null;
  return run === record.run ? { fn: run as RunFunction, self: undefined } : { fn: run as RunFunction, self: object };
}

/**
 * Resolves where a switch to `target` really goes (a dead greenlet passes it on to its
 * parent), starts that greenlet if it never ran, and publishes the message for it.
 * Returns the record the calling thread must hand over to.
 */
function prepareSwitch(target: Record, message: Message, origin: Record, force = false): Record {
  for (;;) {
    let to = target;
    while (to.state === State.Dead) to = records.get(to.parent!)!;
    if (to.waitingIn !== null && !force) {
      throw new GreenletError(
        `cannot switch to a greenlet that is waiting in ${to.waitingIn}; it resumes when that ` +
          'wait ends (use g.throw() or the task\'s kill() to interrupt it)',
      );
    }
    if (to.state === State.New) {
      const entry = entryOf(to);
      // A run getter may have switched into this greenlet and started (or finished)
      // it meanwhile: then this is a plain switch, resolved afresh.
      if (to.state !== State.New) continue;
      if (entry === null) {
        throw new GreenletError(
          'cannot switch to a greenlet that has no run function: pass one to new Greenlet(run), ' +
            'set g.run, or define run() in a subclass',
        );
      }
      to.carrier = binding.acquire();
      to.entry = entry;
      to.run = undefined;
      to.state = State.Active;
      live.add(to);
    }
    if (to !== origin) {
      incoming = { message, origin };
      current = to;
    }
    return to;
  }
}

/** Hands the V8 lock to `carrier` and parks `self` until it is resumed. */
function handOff(self: Record, carrier: number): void {
  let next = carrier;
  for (;;) {
    const wake = switchCarrier(next);
    // Environment cleanup or worker termination: the native side has terminated
    // execution on this thread; the throw only starts the unwinding V8 takes over.
    if (wake === Wake.Unwind || wake === Wake.Terminate) {
      tearingDown ||= wake === Wake.Unwind;
      current = self;
      incoming = null;
      throw new GreenletExit('execution terminated: the environment is shutting down');
    }
    const call = pendingCall;
    if (call === null) return;
    // Only the main thread is ever woken for a call: serve it, then hand back.
    pendingCall = null;
    serving = true;
    served = call;
    try {
      call.value = call.fn();
    } catch (error) {
      call.failed = true;
      call.value = error;
    } finally {
      serving = false;
      served = null;
      if (held.length > 0) queueMicrotask(releaseHeld);
    }
    current = call.caller;
    next = call.caller.carrier;
  }
}

function callTracer(message: Message, origin: Record, target: Record): void {
  const trace = tracer;
  if (trace === null) return;
  try {
    trace(message.failed ? 'throw' : 'switch', objectOf(origin), objectOf(target));
  } catch (error) {
    tracer = null;
    throw error;
  }
}

/** What a resumed switch() returns or raises, after the tracer has seen it. */
function receive(message: Message, origin: Record): unknown {
  callTracer(message, origin, current);
  if (message.failed) throw message.error;
  return unpack(message.args);
}

function switchTo(target: Record, message: Message, force = false): unknown {
  ensureCanSwitch();
  const origin = current;
  const to = prepareSwitch(target, message, origin, force);
  if (to === origin) return receive(message, origin);
  handOff(origin, to.carrier);
  origin.asyncId = executionAsyncId();
  const arrived = incoming!;
  incoming = null;
  return receive(arrived.message, arrived.origin);
}

/**
 * Runs on a fresh carrier thread, called by the native core: runs the greenlet to its
 * end and returns the carrier to hand over to (where its result goes).
 */
function boot(): number {
  const self = current;
  const { message, origin } = incoming!;
  incoming = null;
  self.asyncId = executionAsyncId();
  const entry = self.entry!;
  let result: Message;
  try {
    callTracer(message, origin, self);
    result = message.failed ? message : { failed: false, args: [Reflect.apply(entry.fn, entry.self, message.args)] };
  } catch (error) {
    result = { failed: true, error };
  }
  self.entry = null;
  self.state = State.Dead;
  live.delete(self);
  // Nothing to kill any more: free the registry cell now rather than after a GC.
  orphans.unregister(self);
  if (tearingDown) return MAIN_CARRIER;
  // A GreenletExit that escapes run ends the greenlet quietly: it is its return value.
  if (result.failed && result.error instanceof GreenletExit) result = { failed: false, args: [result.error] };
  // The result goes to the parent at the time of death; if that switch fails, its
  // error goes on up the chain (python-greenlet's g_initialstub/inner_bootstrap).
  for (let parent = self.parent; parent !== null; parent = records.get(parent)!.parent) {
    try {
      return prepareSwitch(records.get(parent)!, result, self).carrier;
    } catch (error) {
      result = { failed: true, error };
    }
  }
  return MAIN_CARRIER; // unreachable: the main greenlet never dies
}

/** Kills a greenlet as python-greenlet does on dealloc and at exit: GreenletExit,
 *  delivered back here through a temporary parent. */
function kill(record: Record): void {
  const saved = record.parent;
  record.parent = objectOf(current);
  try {
    switchTo(record, { failed: true, error: new GreenletExit() }, true);
  } catch (error) {
    process.emitWarning(
      `a greenlet raised while it was being killed: ${error instanceof Error ? error.stack : String(error)}`,
      'GreenletWarning',
    );
  } finally {
    if (record.state !== State.Dead) record.parent = saved;
  }
}

function orphanCollected(record: Record): void {
  // Its object was collected while it was suspended; a later getCurrent() inside it may
  // already have recreated one, in which case it is not an orphan any more.
  if (record.state !== State.Active || record.ref?.deref() !== undefined) return;
  if (current !== mainRecord || tearingDown) return;
  if (holdWhileServing(() => orphanCollected(record))) return;
  const object = objectOf(record);
  kill(record);
  if (record.state === State.Active) {
    survivors.add(object);
    process.emitWarning('GreenletExit did not kill a collected greenlet; it is kept alive', 'GreenletWarning');
  }
}

const orphans = new FinalizationRegistry<Record>(orphanCollected);

/** Rounds of kills at exit: a greenlet whose finally switches away or waits is killed
 *  again, so its finally gets to finish; one that never lets go is left after these. */
const EXIT_KILL_ROUNDS = 8;

/**
 * At process or worker exit ('exit' event), every suspended greenlet is killed,
 * innermost first, so its finally blocks run while JavaScript still can. The native
 * cleanup that follows (not reached after process.exit()) runs no JavaScript.
 */
function killSuspended(): void {
  // Electron emits 'exit' from app 'quit', which may come inside an onMain() call
  // (process.exit() in a greenlet is app.exit() on the UI thread): kill after it.
  if (holdWhileServing(killSuspended)) return;
  for (let round = 0; round < EXIT_KILL_ROUNDS; round++) {
    const suspended = [...live].reverse().filter((record) => record !== current);
    if (suspended.length === 0 || tearingDown) return;
    for (const record of suspended) {
      if (record.state === State.Active) kill(record);
    }
  }
}

export class Greenlet {
  /**
   * @param run   called with the arguments of the first switch(), `this` undefined
   *              (a subclass may define a run() method instead, called with `this`)
   * @param parent where the result of run goes; defaults to the current greenlet
   */
  constructor(run?: RunFunction | null, parent?: Greenlet | null) {
    if (run !== undefined && run !== null && typeof run !== 'function') {
      throw new TypeError(`run must be a function, not ${describe(run)}`);
    }
    const record = new Record(
      parent === undefined || parent === null ? objectOf(current) : (recordOf(parent, 'parent'), parent),
      new.target.prototype as object,
    );
    record.run = run ?? undefined;
    adopt(this, record);
  }

  /** The main greenlet of the calling thread. */
  static get main(): Greenlet {
    return mainRecord.mainObject!;
  }

  /**
   * Switches to this greenlet. The first switch calls run(...args); later ones make
   * its pending switch() return undefined, the one argument, or an array of them.
   * Returns what is next switched back to the caller.
   */
  switch(...args: unknown[]): unknown {
    return switchTo(recordOf(this, 'this'), { failed: false, args });
  }

  /**
   * Raises `error` (default: a new GreenletExit) inside this greenlet at its switch
   * point; it also interrupts a greenlet waiting in waitFor(), sleep() or receive().
   */
  throw(...args: [error?: unknown]): unknown {
    const record = recordOf(this, 'this');
    const error = args.length === 0 ? new GreenletExit() : args[0];
    if (record.state === State.Dead && error instanceof GreenletExit) {
      return switchTo(record, { failed: false, args: [error] });
    }
    return switchTo(record, { failed: true, error }, record.waiter !== null);
  }

  get parent(): Greenlet | null {
    return recordOf(this, 'this').parent;
  }

  set parent(value: Greenlet | null) {
    const record = recordOf(this, 'this');
    if (record.mainObject !== null) throw new GreenletError('cannot set the parent of a main greenlet');
    let walk: Record | undefined = recordOf(value, 'parent');
    for (; walk !== undefined; walk = walk.parent === null ? undefined : records.get(walk.parent)) {
      if (walk === record) throw new GreenletError('cyclic parent chain: a greenlet cannot be its own ancestor');
    }
    record.parent = value;
  }

  /**
   * The function the first switch calls; undefined once started. Settable until then.
   * A subclass may define a run() method instead. (Declared as an optional method so
   * subclasses can; the accessor is defined below the class.)
   */
  run?(...args: any[]): unknown;

  /** Started and finished. */
  get dead(): boolean {
    return recordOf(this, 'this').state === State.Dead;
  }

  get started(): boolean {
    return recordOf(this, 'this').state !== State.New;
  }

  /** Started and not finished (the running greenlet and the main one included). */
  get active(): boolean {
    return recordOf(this, 'this').state === State.Active;
  }

  get isMain(): boolean {
    return recordOf(this, 'this').mainObject !== null;
  }

  get [Symbol.toStringTag](): string {
    return 'Greenlet';
  }
}

Object.defineProperty(Greenlet.prototype, 'run', {
  configurable: true,
  get(this: Greenlet): RunFunction | undefined {
    return recordOf(this, 'this').run;
  },
  set(this: Greenlet, value: RunFunction | undefined) {
    const record = recordOf(this, 'this');
    if (record.state !== State.New) throw new GreenletError('cannot set run of a greenlet that has started');
    if (typeof value !== 'function') throw new TypeError(`run must be a function, not ${describe(value)}`);
    record.run = value;
  },
});

/** The greenlet running now (the main greenlet outside any other). */
export function getCurrent(): Greenlet {
  return objectOf(current);
}

/** Sets the tracer called after every switch (null clears it); returns the previous one. */
export function settrace(next: Tracer | null | undefined): Tracer | null {
  if (next !== null && next !== undefined && typeof next !== 'function') {
    throw new TypeError(`settrace() takes a function or null, not ${describe(next)}`);
  }
  const previous = tracer;
  tracer = next ?? null;
  return previous;
}

export function gettrace(): Tracer | null {
  return tracer;
}

/**
 * Runs `fn` on the main greenlet's thread (the event-loop thread) and returns its
 * result or rethrows its error. In the main greenlet it just calls `fn`. While `fn`
 * runs the caller waits, and `fn` cannot switch greenlets.
 */
export function onMain<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`onMain() takes a function, not ${describe(fn)}`);
  if (current === mainRecord || serving) return fn();
  ensureCanSwitch();
  const self = current;
  const call: MainCall = { fn, caller: self, failed: false, value: undefined, raise: null };
  pendingCall = call;
  self.waitingIn = 'onMain()';
  current = mainRecord;
  try {
    handOff(self, MAIN_CARRIER);
  } finally {
    self.waitingIn = null;
  }
  if (call.raise !== null) throw call.raise.error;
  if (call.failed) throw call.value;
  return call.value as T;
}

/**
 * Work that switches greenlets, held while the main thread serves an onMain() call
 * (Electron runs timers, IPC and listeners inside one: a sync dialog's nested loop), where
 * no switch can happen. Released in order, from a microtask, once the call has returned.
 */
const held: (() => void)[] = [];

/** Holds `fn` and returns true while an onMain() call is being served; else false. */
export function holdWhileServing(fn: () => void): boolean {
  if (!serving) return false;
  held.push(fn);
  return true;
}

function releaseHeld(): void {
  // Microtasks run on the main greenlet's thread; should native code run a checkpoint on
  // a carrier, these switches wait for the event loop instead.
  if (current !== mainRecord) {
    setImmediate(releaseHeld);
    return;
  }
  for (const fn of held.splice(0)) {
    if (holdWhileServing(fn)) continue; // a microtask in the nested loop of another call
    try {
      fn();
    } catch (error) {
      void Promise.reject(error); // nobody to throw to: reported as unhandled
    }
  }
}

/**
 * While an onMain() call is served: when `target` is the greenlet waiting for it, makes
 * the call raise `error` in it once it has run (a kill of the caller, from inside the
 * call) and returns true. Otherwise returns false.
 */
export function raiseWhenCallReturns(target: Greenlet, error: unknown): boolean {
  if (served === null || records.get(target) !== served.caller) return false;
  served.raise ??= { error };
  return true;
}

/** One suspension of a greenlet in suspend(); resume() ends it at most once. */
export class Waiter {
  #pending = true;
  constructor(
    /** The waiting greenlet. */
    readonly greenlet: Greenlet,
  ) {}
  /** True until the wait ends (resumed, interrupted by throw(), or killed). */
  get pending(): boolean {
    return this.#pending;
  }
  /** @internal */
  end(): boolean {
    const was = this.#pending;
    this.#pending = false;
    return was;
  }
}

/**
 * Throws GreenletError in the main greenlet (also inside an onMain() call): `what` would
 * have to wait there, and the event loop that would wake it could never run.
 */
export function assertCanWait(what: string): void {
  if (current === mainRecord || serving) {
    throw new GreenletError(
      `${what} cannot wait in the main greenlet: it runs the event loop, which would never ` +
        'get the chance to wake it. Run the code in a greenlet: spawn(fn) or asyncify(fn)',
    );
  }
}

/**
 * Parks the current greenlet in `what` (for error messages) and gives control to the
 * main greenlet, whose pending switch() returns undefined. `arm` receives the Waiter
 * that resume() takes to wake it. A plain switch() to it meanwhile throws
 * GreenletError; throw() interrupts it. Returns what resume() delivers, or throws.
 * In the main greenlet it throws GreenletError, since waiting there would block the
 * event loop.
 */
export function suspend(what: string, arm: (waiter: Waiter) => void): unknown {
  assertCanWait(what);
  ensureCanSwitch();
  const self = current;
  const waiter = new Waiter(objectOf(self));
  arm(waiter);
  self.waitingIn = what;
  self.waiter = waiter;
  try {
    return switchTo(mainRecord, { failed: false, args: [] }, true);
  } finally {
    waiter.end();
    self.waitingIn = null;
    self.waiter = null;
  }
}

/**
 * Ends a suspension: switches into the waiting greenlet, whose suspend() returns
 * `value` (or throws `error` when `failed`). Returns false, doing nothing, when the
 * wait already ended. Otherwise returns true once control comes back here.
 */
export function resume(waiter: Waiter, failed: boolean, value: unknown): boolean {
  const record = recordOf(waiter.greenlet, 'waiter.greenlet');
  if (!waiter.pending || record.waiter !== waiter) return false;
  waiter.end();
  switchTo(record, failed ? { failed: true, error: value } : { failed: false, args: [value] }, true);
  return true;
}

export interface Options {
  /** Stack size in bytes of carrier threads started from now on (default 1.25 MiB). */
  stackSize?: number;
  /** How many finished carriers are kept for reuse (default 16). */
  idleCarriers?: number;
  /**
   * Whether a collection on a carrier also scans the parked main thread's stack for C++
   * heap (cppgc) objects, from a copy (default: on in Electron, off elsewhere; README,
   * "Garbage collection on greenlet threads").
   */
  mirrorMainStack?: boolean;
}

const settings = { stackSize: 1280 * 1024, idleCarriers: 16, mirrorMainStack: Boolean(process.versions.electron) };
const MIN_STACK = 512 * 1024;

/** Tunes the carrier threads of this thread's greenlets. */
export function configure(options: Options): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`configure() takes an options object, not ${describe(options)}`);
  }
  const {
    stackSize = settings.stackSize,
    idleCarriers = settings.idleCarriers,
    mirrorMainStack = settings.mirrorMainStack,
  } = options;
  if (!Number.isSafeInteger(stackSize) || stackSize < MIN_STACK || stackSize > 2 ** 30) {
    throw new RangeError(`stackSize must be an integer from ${MIN_STACK} to ${2 ** 30} bytes, not ${String(stackSize)}`);
  }
  if (!Number.isSafeInteger(idleCarriers) || idleCarriers < 0 || idleCarriers > 100_000) {
    throw new RangeError(`idleCarriers must be an integer from 0 to 100000, not ${String(idleCarriers)}`);
  }
  if (typeof mirrorMainStack !== 'boolean') {
    throw new TypeError(`mirrorMainStack must be a boolean, not ${describe(mirrorMainStack)}`);
  }
  settings.stackSize = stackSize;
  settings.idleCarriers = idleCarriers;
  settings.mirrorMainStack = mirrorMainStack;
  binding.configure(boot, GreenletError, stackSize, idleCarriers, mirrorMainStack);
}

export interface Stats {
  /** Started greenlets that have not finished. */
  greenlets: number;
  /** The carrier threads behind them, and finished ones kept for reuse. */
  carriers: number;
  idleCarriers: number;
  /** Garbage collections by the thread that ran them (README, "Garbage collection on greenlet threads"). */
  gc: GcStats;
}

/** Started greenlets, carrier threads, and where garbage collections ran. */
export function stats(): Stats {
  const threads = binding.threads();
  return { greenlets: live.size, carriers: threads.live, idleCarriers: threads.idle, gc: binding.gcStats() };
}

function init(): void {
  const main = Object.create(Greenlet.prototype) as Greenlet;
  mainRecord = new Record(null, Greenlet.prototype, main);
  mainRecord.state = State.Active;
  mainRecord.carrier = MAIN_CARRIER;
  records.set(main, mainRecord);
  current = mainRecord;
  binding.configure(boot, GreenletError, settings.stackSize, settings.idleCarriers, settings.mirrorMainStack);
  process.on('exit', killSuspended);
}

init();
