// Greenlet semantics (python-greenlet's, in JavaScript idiom) on top of the native
// handoff. Everything here runs on whichever thread holds the V8 lock, one at a time,
// so the module state below needs no locking.
import path from 'node:path';
import { binding, MAIN_CARRIER, switchCarrier, Wake, WaitKind } from './native';
import type { GcStats } from './native';
import { GreenletError, GreenletExit } from './errors';
import { inScopeHooks, leaveScopes, prepareAsyncScopes, reenterScopes, scopeBase } from './async-scopes';

/** What a greenlet runs: its first switch() calls it with that switch's arguments. */
export type RunFunction<A extends unknown[] = unknown[], R = unknown> = (...args: A) => R;
/** Any run function, as the core stores and calls it. */
type AnyRun = (...args: never) => unknown;
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
  run: AnyRun | undefined = undefined;
  /** Set while the greenlet is parked somewhere a plain switch must not wake it. */
  waitingIn: string | null = null;
  /** What it waits for meanwhile (a promise, a channel, ...), for listGreenlets(). */
  waitingOn: unknown = undefined;
  /** The suspension resume() may end, while the greenlet waits in suspend(). */
  waiter: Suspension | null = null;
  /** The function and `this` a greenlet about to start calls; boot() takes them. */
  entry: { fn: AnyRun; self: unknown } | null = null;
  ref: WeakRef<Greenlet> | null = null;
  /** Where its own async scopes begin on Node's async-hooks stack (see async-scopes.ts). */
  scopeBase = 0;

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
  if (inScopeHooks()) {
    throw new GreenletError('cannot switch greenlets inside an async_hooks callback run for a switch');
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
function entryOf(record: Record): { fn: AnyRun; self: unknown } | null {
  const object = record.ref?.deref();
  const run: unknown = object === undefined ? record.run : (object as { run?: unknown }).run;
  if (typeof run !== 'function') return null;
  return run === record.run ? { fn: run as AnyRun, self: undefined } : { fn: run as AnyRun, self: object };
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
      // The first greenlet of a thread starts from its main greenlet: the place to reach
      // Node's async-hooks internals (see async-internals.ts).
      prepareAsyncScopes();
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
  // The main greenlet's scopes are the base every other greenlet runs on: they stay.
  const scopes = origin === mainRecord ? null : leaveScopes(origin.scopeBase);
  let to: Record;
  try {
    to = prepareSwitch(target, message, origin, force);
  } catch (error) {
    reenterScopes(scopes);
    throw error;
  }
  if (to === origin) {
    reenterScopes(scopes);
    return receive(message, origin);
  }
  try {
    handOff(origin, to.carrier, kind);
  } catch (error) {
    // Refused (shutting down, or no stack left for the call): this greenlet goes on
    // here, inside its scopes. Terminated execution runs no more JavaScript and needs
    // nothing back.
    if (!(error instanceof GreenletExit)) reenterScopes(scopes);
    throw error;
  }
  // Its own scopes go back on top of the stack of whoever resumed it.
  origin.scopeBase = scopeBase();
  reenterScopes(scopes);
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
  self.scopeBase = scopeBase();
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

/**
 * A greenlet: a function with its own stack that runs when switched to.
 *
 * In TypeScript, `A` and `R` are the parameters and result of `run`, taken from the
 * function given to the constructor: `new Greenlet((a: number, b: number) => a + b)` is a
 * `Greenlet<[a: number, b: number], number>`, and every `switch()` to it is checked
 * against `A` (the first one calls run with those arguments; later ones resume it). A
 * greenlet resumed with other values than it starts with can be typed as plain
 * `Greenlet`, whose switch() takes any arguments. What a switch() returns is whatever
 * is switched back next, so it is `unknown`.
 */
export class Greenlet<A extends unknown[] = unknown[], R = unknown> {
  /**
   * @param run   called with the arguments of the first switch(), `this` undefined
   *              (a subclass may define a run() method instead, called with `this`)
   * @param parent where the result of run goes; defaults to the current greenlet
   */
  constructor(run?: RunFunction<A, R> | null, parent?: Greenlet | null) {
    if (run !== undefined && run !== null && typeof run !== 'function') {
      throw new TypeError(`run must be a function, not ${describe(run)}`);
    }
    const record = new Record(
      parent === undefined || parent === null ? objectOf(current) : (recordOf(parent, 'parent'), parent),
      new.target.prototype as object,
    );
    record.run = (run ?? undefined) as AnyRun | undefined;
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
  switch(...args: A): unknown {
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
  run?(...args: A): R;

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
  get(this: Greenlet): AnyRun | undefined {
    return recordOf(this, 'this').run;
  },
  set(this: Greenlet, value: AnyRun | undefined) {
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
  const call: MainCall = { fn, caller: self, failed: false, value: undefined, raise: null };
  pendingCall = call;
  self.waitingIn = 'onMain()';
  self.waitingOn = fn;
  current = mainRecord;
  try {
    handOff(self, MAIN_CARRIER, WaitKind.Call);
  } catch (error) {
    if (pendingCall === call) pendingCall = null; // never handed over
    throw error;
  } finally {
    self.waitingIn = null;
    self.waitingOn = undefined;
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
 * event loop. `on` is what it waits for, as listGreenlets() shows it.
 */
export function suspend(what: string, arm: (waiter: Waiter) => void, on?: unknown): unknown {
  assertCanWait(what);
  ensureCanSwitch();
  const self = current;
  const waiter = new Suspension(objectOf(self), self);
  arm(waiter);
  self.waitingIn = what;
  self.waitingOn = on;
  self.waiter = waiter;
  try {
    return switchTo(mainRecord, NOTHING, true, WaitKind.EventLoop);
  } finally {
    waiter.pending = false;
    self.waitingIn = null;
    self.waitingOn = undefined;
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
  /**
   * Report, on stderr with its stack, a greenlet that keeps the event loop waiting longer
   * than this many milliseconds; 0 never does. Default 500, and 0 in production:
   * NODE_ENV=production, a packaged Electron app, or warnings off (--no-warnings); also 0
   * once tendril/fibers is loaded (node-fibers code expects no such reports).
   */
  maxBlockingTime?: number;
  /**
   * Whether CPU profiles (--cpu-prof, DevTools, node:inspector) see code that runs in
   * greenlets: while a greenlet runs, it is sampled as often as V8 samples the main
   * thread. Default true.
   */
  profileGreenlets?: boolean;
  /**
   * Whether a collection on a carrier also scans the parked main thread's stack for C++
   * heap (cppgc) objects, from a copy (default: on in Electron, off elsewhere; README,
   * "Garbage collection on greenlet threads").
   */
  mirrorMainStack?: boolean;
}

const settings = {
  stackSize: 1280 * 1024,
  idleCarriers: 16,
  maxBlockingTime: inProduction() ? 0 : 500,
  profileGreenlets: true,
  mirrorMainStack: Boolean(process.versions.electron),
};
/** Whether configure() was given maxBlockingTime: then no default replaces it. */
let maxBlockingTimeChosen = false;
const MIN_STACK = 512 * 1024;
const MAX_BLOCKING_TIME = 2 ** 31 - 1;

/** Where maxBlockingTime defaults to off: see Options. */
function inProduction(): boolean {
  // Electron sets process.defaultApp when it runs an app from a folder (`electron .`).
  const packagedElectron = process.versions.electron !== undefined && !(process as { defaultApp?: boolean }).defaultApp;
  const warningsOff = (process as { noProcessWarnings?: boolean }).noProcessWarnings === true || process.env.NODE_NO_WARNINGS === '1';
  return process.env.NODE_ENV === 'production' || packagedElectron || warningsOff;
}

/**
 * The interval of V8's own samples: --cpu-prof-interval (microseconds) when given on the
 * command line or in NODE_OPTIONS, else V8's default of 1 ms. Greenlets are sampled as
 * densely, so sample counts compare across threads.
 */
function profileInterval(): number {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  for (let i = 0; i < args.length; i++) {
    const match = /^--cpu-prof-interval(?:=(\d+))?$/.exec(args[i]!);
    if (match === null) continue;
    const value = Number(match[1] ?? args[i + 1]);
    if (Number.isSafeInteger(value) && value > 0) return value;
  }
  return 1000;
}

/** Frames of tendril's own scripts are left out of the stacks it shows. */
const INTERNAL_PREFIX = __dirname + path.sep;

function configureMonitor(): void {
  binding.configureMonitor(
    settings.profileGreenlets ? profileInterval() : 0,
    settings.maxBlockingTime,
    `(${process.release.name}:${process.pid}) `,
    INTERNAL_PREFIX,
  );
}

/** Tunes the carrier threads of this thread's greenlets. */
export function configure(options: Options): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`configure() takes an options object, not ${describe(options)}`);
  }
  const {
    stackSize = settings.stackSize,
    idleCarriers = settings.idleCarriers,
    maxBlockingTime = settings.maxBlockingTime,
    profileGreenlets = settings.profileGreenlets,
    mirrorMainStack = settings.mirrorMainStack,
  } = options;
  if (!Number.isSafeInteger(stackSize) || stackSize < MIN_STACK || stackSize > 2 ** 30) {
    throw new RangeError(`stackSize must be an integer from ${MIN_STACK} to ${2 ** 30} bytes, not ${String(stackSize)}`);
  }
  if (!Number.isSafeInteger(idleCarriers) || idleCarriers < 0 || idleCarriers > 100_000) {
    throw new RangeError(`idleCarriers must be an integer from 0 to 100000, not ${String(idleCarriers)}`);
  }
  if (typeof maxBlockingTime !== 'number' || !(maxBlockingTime >= 0 && maxBlockingTime <= MAX_BLOCKING_TIME)) {
    throw new RangeError(`maxBlockingTime must be a number of milliseconds from 0 (off) to ${MAX_BLOCKING_TIME}, not ${String(maxBlockingTime)}`);
  }
  if (typeof profileGreenlets !== 'boolean') {
    throw new TypeError(`profileGreenlets must be true or false, not ${describe(profileGreenlets)}`);
  }
  if (typeof mirrorMainStack !== 'boolean') {
    throw new TypeError(`mirrorMainStack must be a boolean, not ${describe(mirrorMainStack)}`);
  }
  settings.stackSize = stackSize;
  settings.idleCarriers = idleCarriers;
  settings.maxBlockingTime = Math.ceil(maxBlockingTime);
  settings.profileGreenlets = profileGreenlets;
  settings.mirrorMainStack = mirrorMainStack;
  maxBlockingTimeChosen ||= options.maxBlockingTime !== undefined;
  binding.configure(boot, GreenletError, stackSize, idleCarriers, mirrorMainStack);
  configureMonitor();
}

/** Turns freeze reports off unless the app chose a maxBlockingTime (tendril/fibers). */
export function quietFreezeReportsByDefault(): void {
  if (maxBlockingTimeChosen) return;
  settings.maxBlockingTime = 0;
  configureMonitor();
}

/** What configure() has set for this thread (node-fibers' Fiber.poolSize reads it). */
export function currentOptions(): Readonly<Required<Options>> {
  return { ...settings };
}

export type GreenletState = 'running' | 'suspended' | 'waiting';

/** One greenlet as listGreenlets() sees it. */
export interface GreenletInfo {
  readonly greenlet: Greenlet;
  /**
   * 'running': the one calling listGreenlets(). 'waiting': parked in waitFor(), sleep(),
   * Channel.receive(), onMain() and the like (see waitingIn). 'suspended': parked in a
   * switch() (the main greenlet, seen from another one, is suspended in the switch that
   * handed over the turn).
   */
  readonly state: GreenletState;
  /** Where it waits, as error messages name it ('waitFor()', 'sleep()', 'Channel.receive()', 'Task.join()', 'onMain()', ...); null unless waiting. */
  readonly waitingIn: string | null;
  /** What it waits for: the promise, the Channel, the Task, the milliseconds of a sleep(), the onMain() function; undefined unless waiting. */
  readonly waitingOn: unknown;
  /**
   * Its JavaScript stack now, innermost first, one `    at fn (file:line:column)` line
   * per frame as in Error.stack; tendril's own frames at either end are left out, so a
   * parked greenlet's stack starts where it called switch(), waitFor() and the like.
   */
  readonly stack: string;
}

/**
 * Every greenlet of this thread that is alive (the main greenlet first, then those
 * started and not finished, in the order they started), with its state, what it waits
 * for and its JavaScript stack. A parked greenlet's stack is read by its own thread,
 * woken for that without running any of its code: two thread handoffs per greenlet.
 */
export function listGreenlets(): GreenletInfo[] {
  if (tearingDown) throw new GreenletError('cannot list greenlets while the environment is shutting down');
  const out: GreenletInfo[] = [];
  for (const record of [mainRecord, ...live]) {
    if (record.state !== State.Active) continue;
    const running = record === current;
    out.push({
      greenlet: objectOf(record),
      state: running ? 'running' : record.waitingIn !== null ? 'waiting' : 'suspended',
      waitingIn: running ? null : record.waitingIn,
      waitingOn: running ? undefined : record.waitingOn,
      stack: binding.stackOf(record.carrier) ?? '',
    });
  }
  return out;
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
  configureMonitor();
  process.on('exit', killSuspended);
  // Then the monitor thread sleeps for good: Node tears V8's platform down in exit().
  process.on('exit', () => binding.configureMonitor(0, 0, '', INTERNAL_PREFIX));
}

init();
