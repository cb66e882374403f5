// Greenlet semantics (python-greenlet's, in JavaScript idiom) on top of the native
// handoff. Everything here runs on whichever thread holds the V8 lock, one at a time,
// so the module state below needs no locking.
import { executionAsyncId } from 'node:async_hooks';
import { binding, MAIN_CARRIER, switchCarrier, Wake, WaitKind } from './native';
import { GreenletError, GreenletExit } from './errors';

export type RunFunction = (...args: any[]) => unknown;
export type TraceEvent = 'switch' | 'throw';
export type Tracer = (event: TraceEvent, origin: Greenlet, target: Greenlet) => void;

const enum State {
  New,
  Active,
  Dead,
}

/** An error a switch raises in its target. */
class Failure {
  constructor(readonly error: unknown) {}
}

/** What a switch delivers: the arguments for the target, or an error to raise in it.
 *  (An array or a Failure rather than a wrapper object: one allocation less per switch.) */
type Message = unknown[] | Failure;

/** The message of a switch that delivers nothing (to a greenlet that has started: only
 *  a start spreads a message into run's arguments). Never handed out, never changed. */
const NOTHING: unknown[] = [];

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
  waiter: Suspension | null = null;
  /** The function and `this` a greenlet about to start calls; boot() takes them. */
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
let incomingMessage: Message | null = null;
let incomingOrigin: Record | null = null;
/** An onMain() call waiting to be served by the main thread. */
let pendingCall: MainCall | null = null;
/** True while the main thread runs an onMain() function on behalf of a greenlet. */
let serving = false;
let tearingDown = false;

interface MainCall {
  fn: () => unknown;
  caller: Record;
  failed: boolean;
  value: unknown;
}

/** executionAsyncId() as an int32 (compared only with itself): a small integer field,
 *  where a double would cost every greenlet a boxed number. */
function asyncIdNow(): number {
  return executionAsyncId() | 0;
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
  if (current !== mainRecord && asyncIdNow() !== current.asyncId) {
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
      incomingMessage = message;
      incomingOrigin = origin;
      current = to;
    }
    return to;
  }
}

/** Hands the V8 lock to `carrier` and parks `self`, waiting for `kind`, until it is resumed. */
function handOff(self: Record, carrier: number, kind: WaitKind): void {
  let next = carrier;
  let waitingFor = kind;
  for (;;) {
    let wake: Wake;
    try {
      wake = switchCarrier(next, waitingFor);
    } catch (error) {
      // Nothing was switched: the core refused, or there was no stack left for the
      // call (a RangeError at the very edge of the stack; a retry a frame up can
      // succeed). Undo what was published for the target so this greenlet stays the
      // current one.
      current = self;
      incomingMessage = null;
      incomingOrigin = null;
      throw error;
    }
    // Environment cleanup or worker termination: the native side has terminated
    // execution on this thread; the throw only starts the unwinding V8 takes over.
    if (wake === Wake.Unwind || wake === Wake.Terminate) {
      tearingDown ||= wake === Wake.Unwind;
      current = self;
      incomingMessage = null;
      incomingOrigin = null;
      throw new GreenletExit('execution terminated: the environment is shutting down');
    }
    const call = pendingCall;
    if (call === null) return;
    // Only the main thread is ever woken for a call: serve it, then hand back.
    pendingCall = null;
    serving = true;
    try {
      call.value = call.fn();
    } catch (error) {
      call.failed = true;
      call.value = error;
    } finally {
      serving = false;
    }
    current = call.caller;
    next = call.caller.carrier;
    waitingFor = WaitKind.Serve;
  }
}

function callTracer(message: Message, origin: Record, target: Record): void {
  const trace = tracer;
  if (trace === null) return;
  try {
    trace(message instanceof Failure ? 'throw' : 'switch', objectOf(origin), objectOf(target));
  } catch (error) {
    tracer = null;
    throw error;
  }
}

/** What a resumed switch() returns or raises, after the tracer has seen it. */
function receive(message: Message, origin: Record): unknown {
  callTracer(message, origin, current);
  if (message instanceof Failure) throw message.error;
  return unpack(message);
}

function switchTo(target: Record, message: Message, force = false, kind = WaitKind.Switch): unknown {
  ensureCanSwitch();
  const origin = current;
  const to = prepareSwitch(target, message, origin, force);
  if (to === origin) return receive(message, origin);
  handOff(origin, to.carrier, kind);
  origin.asyncId = asyncIdNow();
  const arrived = incomingMessage!;
  const from = incomingOrigin!;
  incomingMessage = null;
  incomingOrigin = null;
  return receive(arrived, from);
}

/**
 * Runs on a fresh carrier thread, called by the native core: runs the greenlet to its
 * end and returns the carrier to hand over to (where its result goes).
 */
function boot(): number {
  const self = current;
  const message = incomingMessage!;
  const origin = incomingOrigin!;
  incomingMessage = null;
  incomingOrigin = null;
  self.asyncId = asyncIdNow();
  // Read, then dropped: a parked greenlet keeps no more objects than it must.
  const fn = self.entry!.fn;
  const thisArg = self.entry!.self;
  self.entry = null;
  let result: Message;
  try {
    callTracer(message, origin, self);
    result = message instanceof Failure ? message : [Reflect.apply(fn, thisArg, message)];
  } catch (error) {
    result = new Failure(error);
  }
  self.state = State.Dead;
  live.delete(self);
  // Nothing to kill any more: free the registry cell now rather than after a GC.
  orphans.unregister(self);
  if (tearingDown) return MAIN_CARRIER;
  // A GreenletExit that escapes run ends the greenlet quietly: it is its return value.
  if (result instanceof Failure && result.error instanceof GreenletExit) result = [result.error];
  // The result goes to the parent at the time of death; if that switch fails, its
  // error goes on up the chain (python-greenlet's g_initialstub/inner_bootstrap).
  for (let parent = self.parent; parent !== null; parent = records.get(parent)!.parent) {
    try {
      return prepareSwitch(records.get(parent)!, result, self).carrier;
    } catch (error) {
      result = new Failure(error);
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
    switchTo(record, new Failure(new GreenletExit()), true);
  } catch (error) {
    process.emitWarning(
      `a greenlet raised while it was being killed: ${error instanceof Error ? error.stack : String(error)}`,
      'GreenletWarning',
    );
  } finally {
    if (record.state !== State.Dead) record.parent = saved;
  }
}

const orphans = new FinalizationRegistry<Record>((record) => {
  // Its object was collected while it was suspended; a later getCurrent() inside it may
  // already have recreated one, in which case it is not an orphan any more.
  if (record.state !== State.Active || record.ref?.deref() !== undefined) return;
  if (current !== mainRecord || serving || tearingDown) return;
  const object = objectOf(record);
  kill(record);
  if (record.state === State.Active) {
    survivors.add(object);
    process.emitWarning('GreenletExit did not kill a collected greenlet; it is kept alive', 'GreenletWarning');
  }
});

/** Rounds of kills at exit: a greenlet whose finally switches away or waits is killed
 *  again, so its finally gets to finish; one that never lets go is left after these. */
const EXIT_KILL_ROUNDS = 8;

/**
 * At process or worker exit ('exit' event), every suspended greenlet is killed,
 * innermost first, so its finally blocks run while JavaScript still can. The native
 * cleanup that follows (not reached after process.exit()) runs no JavaScript.
 */
function killSuspended(): void {
  for (let round = 0; round < EXIT_KILL_ROUNDS; round++) {
    const suspended = [...live].reverse().filter((record) => record !== current);
    if (suspended.length === 0 || tearingDown || serving) return;
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
    return switchTo(recordOf(this, 'this'), args);
  }

  /**
   * Raises `error` (default: a new GreenletExit) inside this greenlet at its switch
   * point; it also interrupts a greenlet waiting in waitFor(), sleep() or receive().
   */
  throw(...args: [error?: unknown]): unknown {
    const record = recordOf(this, 'this');
    const error = args.length === 0 ? new GreenletExit() : args[0];
    if (record.state === State.Dead && error instanceof GreenletExit) {
      return switchTo(record, [error]);
    }
    return switchTo(record, new Failure(error), record.waiter !== null);
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

/** True in the main greenlet (the event-loop thread), also inside an onMain() call. */
export function inMainGreenlet(): boolean {
  return current === mainRecord;
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
  const call: MainCall = { fn, caller: self, failed: false, value: undefined };
  pendingCall = call;
  self.waitingIn = 'onMain()';
  current = mainRecord;
  try {
    handOff(self, MAIN_CARRIER, WaitKind.Call);
  } catch (error) {
    if (pendingCall === call) pendingCall = null; // never handed over
    throw error;
  } finally {
    self.waitingIn = null;
  }
  if (call.failed) throw call.value;
  return call.value as T;
}

/** One suspension of a greenlet in suspend(); resume() ends it at most once. */
export interface Waiter {
  /** The waiting greenlet. */
  readonly greenlet: Greenlet;
  /** True until the wait ends (resumed, interrupted by throw(), or killed). */
  readonly pending: boolean;
}

class Suspension implements Waiter {
  pending = true;
  constructor(
    /** Held strongly: a greenlet waiting for the event loop is not collected (and killed). */
    readonly greenlet: Greenlet,
    readonly record: Record,
  ) {}
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
  const waiter = new Suspension(objectOf(self), self);
  arm(waiter);
  self.waitingIn = what;
  self.waiter = waiter;
  try {
    return switchTo(mainRecord, NOTHING, true, WaitKind.EventLoop);
  } finally {
    waiter.pending = false;
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
  if (!(waiter instanceof Suspension)) throw new TypeError('resume() takes a Waiter that suspend() made');
  const record = waiter.record;
  if (!waiter.pending || record.waiter !== waiter) return false;
  waiter.pending = false;
  // (A started greenlet's switch() returns undefined for no value and for [undefined].)
  switchTo(record, failed ? new Failure(value) : value === undefined ? NOTHING : [value], true, WaitKind.Resume);
  return true;
}

export interface Options {
  /** Stack size in bytes of carrier threads started from now on (default 1.25 MiB). */
  stackSize?: number;
  /** How many finished carriers are kept for reuse (default 16). */
  idleCarriers?: number;
}

const settings = { stackSize: 1280 * 1024, idleCarriers: 16 };
const MIN_STACK = 512 * 1024;

/** Tunes the carrier threads of this thread's greenlets. */
export function configure(options: Options): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`configure() takes an options object, not ${describe(options)}`);
  }
  const { stackSize = settings.stackSize, idleCarriers = settings.idleCarriers } = options;
  if (!Number.isSafeInteger(stackSize) || stackSize < MIN_STACK || stackSize > 2 ** 30) {
    throw new RangeError(`stackSize must be an integer from ${MIN_STACK} to ${2 ** 30} bytes, not ${String(stackSize)}`);
  }
  if (!Number.isSafeInteger(idleCarriers) || idleCarriers < 0 || idleCarriers > 100_000) {
    throw new RangeError(`idleCarriers must be an integer from 0 to 100000, not ${String(idleCarriers)}`);
  }
  settings.stackSize = stackSize;
  settings.idleCarriers = idleCarriers;
  binding.configure(boot, GreenletError, stackSize, idleCarriers);
}

/** Started greenlets that have not finished, and the carrier threads behind them. */
export function stats(): { greenlets: number; carriers: number; idleCarriers: number } {
  const threads = binding.threads();
  return { greenlets: live.size, carriers: threads.live, idleCarriers: threads.idle };
}

function init(): void {
  const main = Object.create(Greenlet.prototype) as Greenlet;
  mainRecord = new Record(null, Greenlet.prototype, main);
  mainRecord.state = State.Active;
  mainRecord.carrier = MAIN_CARRIER;
  records.set(main, mainRecord);
  current = mainRecord;
  binding.configure(boot, GreenletError, settings.stackSize, settings.idleCarriers);
  process.on('exit', killSuspended);
}

init();
