// Channel<T>: values handed from anywhere (callbacks, greenlets) to greenlets that wait
// for them; fromEvent() feeds one from an EventEmitter or EventTarget.
import type { EventEmitter } from 'node:events';
import { GreenletError } from './errors';
import { assertCanWait, resume, suspend, Waiter } from './greenlet';
import { later, reportUnhandled } from './loop';
import type { IsAny, Signatures } from './overloads';

/**
 * Raised by `receive()` on a channel that is closed and drained, and by `send()` on a
 * closed channel. A `GreenletError`.
 */
export class ChannelClosed extends GreenletError {}
ChannelClosed.prototype.name = 'ChannelClosed';

/** What `tryReceive()` returns: a value, or none (check `channel.closed` for why). */
export type TryReceiveResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly value: undefined };

/** A greenlet waiting in receive(), and what the channel hands it. */
interface Receiver<T> {
  waiter: Waiter | null;
  /** Set when a value was handed over; it is the receiver's from then on. */
  has: boolean;
  value: T | undefined;
}

const CLOSED: unique symbol = Symbol('closed');
const NOTHING = Object.freeze({ ok: false, value: undefined }) as TryReceiveResult<never>;

/**
 * The state and logic of one channel. It lives outside the Channel object (in `cores`)
 * rather than in ES private fields: those would put `#private` into the published
 * declarations, which TypeScript rejects below target ES2015 (TS18028).
 */
class Core<T> {
  /** Values sent and not received: values[head] up to values[tail - 1]. The array keeps
   *  its length when it drains (slots cleared), so a channel that passes one value at a
   *  time allocates nothing per value. */
  values: T[] = [];
  head = 0;
  tail = 0;
  receivers: Receiver<T>[] = [];
  closed = false;
  pumpQueued = false;

  get size(): number {
    return this.tail - this.head;
  }

  push(value: T): void {
    this.values[this.tail++] = value;
  }

  take(): T {
    const value = this.values[this.head]!;
    this.values[this.head] = undefined as T;
    this.head++;
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
      if (this.values.length > 1024) this.values = []; // a burst is over: let it go
    } else if (this.head >= 1024 && this.head * 2 >= this.tail) {
      this.values = this.values.slice(this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
    return value;
  }

  /** Puts a value back at the front (one handed to a receiver that could not take it). */
  putBack(value: T): void {
    if (this.head > 0) {
      this.values[--this.head] = value;
    } else {
      this.values.unshift(value);
      this.tail++;
    }
  }

  /** `channel`: what listGreenlets() shows the greenlet waiting on. */
  receive(what: string, channel: Channel<T>): T | typeof CLOSED {
    assertCanWait(what);
    if (this.receivers.length === 0) {
      if (this.size > 0) return this.take();
      if (this.closed) return CLOSED;
    }
    const receiver: Receiver<T> = { waiter: null, has: false, value: undefined };
    this.receivers.push(receiver);
    try {
      suspend(
        what,
        (waiter) => {
          receiver.waiter = waiter;
        },
        channel,
      );
    } catch (error) {
      // Interrupted. A value handed over just before (only possible when a tracer threw
      // at the resume) goes back to the front: nothing is lost.
      if (receiver.has) {
        receiver.has = false;
        this.putBack(receiver.value as T);
        this.queuePump();
      }
      throw error;
    } finally {
      const at = this.receivers.indexOf(receiver);
      if (at >= 0) this.receivers.splice(at, 1);
    }
    return receiver.has ? (receiver.value as T) : CLOSED;
  }

  queuePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    later(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** In the main greenlet: hands values (or the close) to waiting receivers, in order. */
  pump(): void {
    while (this.receivers.length > 0) {
      const receiver = this.receivers[0]!;
      const waiter = receiver.waiter;
      if (waiter === null || !waiter.pending) {
        this.receivers.shift();
        continue;
      }
      if (this.size > 0) {
        receiver.value = this.take();
        receiver.has = true;
      } else if (!this.closed) {
        return;
      }
      this.receivers.shift();
      let delivered = false;
      try {
        delivered = resume(waiter, false, undefined);
      } catch (error) {
        delivered = true;
        reportUnhandled(error);
      }
      if (!delivered && receiver.has) {
        receiver.has = false;
        this.putBack(receiver.value as T);
      }
    }
  }
}

const cores = new WeakMap<object, Core<unknown>>();

/** The core of a channel; a TypeError for anything that is not one (`Channel.prototype.send.call({})`). */
function coreOf<T>(channel: Channel<T>, what: string): Core<T> {
  const core = cores.get(channel);
  if (core === undefined) throw new TypeError(`${what} called on something that is not a Channel`);
  return core as Core<T>;
}

/**
 * An unbounded FIFO channel. `send()` never blocks and may be called from anywhere
 * (event callbacks, async code, greenlets). `receive()` blocks the calling greenlet
 * until a value arrives or the channel is closed; several waiting receivers are served
 * in the order they started waiting, each value goes to exactly one of them, and a
 * receiver that is killed while it waits takes no value with it.
 *
 * Closing, as in Go: `close()` refuses further sends, receivers still get every value
 * already sent, and then `receive()` throws `ChannelClosed` while iteration
 * (`for (const v of channel)`) simply ends.
 *
 * @example
 * const lines = new Channel<string>();
 * spawn(() => { for (const line of lines) console.log('got', line); });
 * lines.send('a'); lines.send('b'); lines.close();
 */
export class Channel<T = unknown> implements Iterable<T> {
  constructor() {
    cores.set(this, new Core<T>() as Core<unknown>);
  }

  /** True once close() was called (values sent before may still be waiting). */
  get closed(): boolean {
    return coreOf(this, 'Channel#closed').closed;
  }

  /** How many values are sent and not yet received. */
  get size(): number {
    return coreOf(this, 'Channel#size').size;
  }

  /**
   * Adds `value` to the channel; never blocks, never switches. A waiting receiver is
   * woken from the event loop (a microtask) after the caller moves on. Throws
   * `ChannelClosed` when the channel is closed.
   */
  send(value: T): void {
    const core = coreOf(this, 'Channel#send()');
    if (core.closed) throw new ChannelClosed('send() on a closed channel');
    core.push(value);
    if (core.receivers.length > 0) core.queuePump();
  }

  /**
   * Returns the next value, waiting in the current greenlet (not the event loop) until
   * one is sent. Once the channel is closed and every value sent before was received,
   * throws `ChannelClosed`. While it waits, a plain `switch()` to the greenlet throws
   * `GreenletError`; `g.throw()`/`task.kill()` interrupt it. Throws `GreenletError` in
   * the main greenlet (use `tryReceive()` there).
   */
  receive(): T {
    const value = coreOf(this, 'Channel#receive()').receive('Channel.receive()', this);
    if (value === CLOSED) throw new ChannelClosed('receive() on a closed channel: every value was received');
    return value;
  }

  /**
   * Takes the next value if there is one, without waiting: `{ ok: true, value }`, or
   * `{ ok: false, value: undefined }` when none is available for this caller (the
   * channel is empty or closed, or its values are already promised to greenlets waiting
   * in receive()). Works anywhere, the main greenlet included.
   */
  tryReceive(): TryReceiveResult<T> {
    const core = coreOf(this, 'Channel#tryReceive()');
    if (core.receivers.length > 0 || core.size === 0) return NOTHING;
    return { ok: true, value: core.take() };
  }

  /**
   * Closes the channel: later sends throw `ChannelClosed`; values already sent are still
   * received; then waiting and later receivers get `ChannelClosed` (iteration ends).
   * Closing twice does nothing.
   */
  close(): void {
    const core = coreOf(this, 'Channel#close()');
    if (core.closed) return;
    core.closed = true;
    if (core.receivers.length > 0) core.queuePump();
  }

  /**
   * Iterates by receive() until the channel is closed and drained. Breaking out of the
   * loop does not close the channel. In the main greenlet the first step throws
   * `GreenletError`.
   */
  *[Symbol.iterator](): Iterator<T, undefined, undefined> {
    const core = coreOf(this, 'Channel#[Symbol.iterator]()');
    for (;;) {
      const value = core.receive('Channel iteration', this);
      if (value === CLOSED) return undefined;
      yield value;
    }
  }

  get [Symbol.toStringTag](): string {
    return 'Channel';
  }
}

/** Anything with Node's EventEmitter `on`/`removeListener`. */
export interface EventEmitterLike {
  on(name: string | symbol, listener: (...args: any[]) => void): unknown;
  removeListener(name: string | symbol, listener: (...args: any[]) => void): unknown;
}

/** Anything with the DOM's `addEventListener`/`removeEventListener`. */
export interface EventTargetLike {
  addEventListener(type: string, listener: (event: any) => void): unknown;
  removeEventListener(type: string, listener: (event: any) => void): unknown;
}

/** Options of `fromEvent()`. */
export interface FromEventOptions {
  /** Events that close the channel (e.g. `'end'` of a stream, `'close'` of a socket). */
  closeOn?: string | symbol | ReadonlyArray<string | symbol>;
}

/**
 * What `fromEvent(target, name)` sends for each event, read from the target's typings:
 * the `on(name, listener)` overload for that name (as @types/node up to 24 declares
 * streams, sockets and processes, and as hand-typed emitters often do), or the map of
 * a `new EventEmitter<Events>()`. The listener's arguments become one value the way
 * fromEvent() delivers them: none is `undefined`, one is that value, several are the
 * array. `unknown` when the typings do not say (an EventTarget, a plain EventEmitter):
 * then name the type, `fromEvent<Buffer>(target, 'data')`.
 */
export type EventValue<E, K> = Delivered<EventArgs<E, K>>;

type EventArgs<E, K> = [OnArgs<E, K>] extends [never] ? MapArgs<E, K> : OnArgs<E, K>;

/** The listener arguments of the `on` overloads whose event name is `K` (or within it). */
type OnArgs<E, K> = E extends { on: infer F } ? ListenerArgs<Signatures<F>, K> : never;
type ListenerArgs<L, K> = L extends [[infer P, unknown], ...infer Rest]
  ? (P extends [infer N, (...args: infer A) => unknown, ...unknown[]] ? ([N] extends [K] ? A : never) : never) | ListenerArgs<Rest, K>
  : never;

/** The arguments of `K` in the map of an `EventEmitter<Events>` (TypeScript infers the
 *  map of such an emitter itself, not of a subclass: that one gives `any`, skipped). */
type MapArgs<E, K> = E extends EventEmitter<infer M>
  ? K extends keyof M
    ? IsAny<M[K]> extends true
      ? never
      : M[K] extends unknown[]
        ? M[K]
        : never
    : never
  : never;

type Delivered<A> = [A] extends [never]
  ? unknown
  : A extends []
    ? undefined
    : A extends [infer V]
      ? NotAny<V>
      : A extends [(infer V)?]
        ? NotAny<V> | undefined
        : { [I in keyof A]: NotAny<A[I]> };
type NotAny<T> = IsAny<T> extends true ? unknown : T;

/**
 * Returns a Channel fed by the `name` events of an EventEmitter (`on`) or EventTarget
 * (`addEventListener`). Each event sends one value: for an emitter, its one argument
 * (`undefined` for none, an array of them for several, like `switch()`); for an
 * EventTarget, the Event. `channel.close()` stops listening; so does any event named in
 * `options.closeOn`, after which receivers drain what arrived and iteration ends.
 *
 * In TypeScript the element type comes from the target's typings where they name the
 * event (see EventValue), else it is `unknown`; `fromEvent<T>(...)` names it.
 *
 * @example
 * const data = fromEvent(socket, 'data', { closeOn: 'close' }); // Channel<Buffer>
 * spawn(() => { for (const chunk of data) handle(chunk); });
 */
export function fromEvent<E extends EventEmitterLike | EventTargetLike, K extends string | symbol>(
  target: E,
  name: K,
  options?: FromEventOptions,
): Channel<EventValue<E, K>>;
export function fromEvent<T>(target: EventEmitterLike | EventTargetLike, name: string | symbol, options?: FromEventOptions): Channel<T>;
export function fromEvent(
  target: EventEmitterLike | EventTargetLike,
  name: string | symbol,
  options: FromEventOptions = {},
): Channel<unknown> {
  if (typeof name !== 'string' && typeof name !== 'symbol') {
    throw new TypeError(`fromEvent() takes an event name (string or symbol), not ${name === null ? 'null' : typeof name}`);
  }
  const closers = options.closeOn === undefined ? [] : Array.isArray(options.closeOn) ? [...options.closeOn] : [options.closeOn];
  const t = target as Partial<EventEmitterLike & EventTargetLike> | null;
  let listen: (event: string | symbol, listener: (...args: any[]) => void) => void;
  let unlisten: (event: string | symbol, listener: (...args: any[]) => void) => void;
  let deliver: (args: unknown[]) => unknown;
  if (t !== null && typeof t === 'object' && typeof t.on === 'function' && typeof t.removeListener === 'function') {
    listen = (event, listener) => t.on!(event, listener);
    unlisten = (event, listener) => t.removeListener!(event, listener);
    deliver = (args) => (args.length === 0 ? undefined : args.length === 1 ? args[0] : args);
  } else if (t !== null && typeof t === 'object' && typeof t.addEventListener === 'function' && typeof t.removeEventListener === 'function') {
    const eventName = (event: string | symbol): string => {
      if (typeof event !== 'string') throw new TypeError('an EventTarget event name must be a string');
      return event;
    };
    listen = (event, listener) => t.addEventListener!(eventName(event), listener);
    unlisten = (event, listener) => t.removeEventListener!(eventName(event), listener);
    deliver = (args) => args[0];
  } else {
    throw new TypeError('fromEvent() takes an EventEmitter (on/removeListener) or an EventTarget (addEventListener/removeEventListener)');
  }

  const channel = new EventChannel<unknown>(() => {
    unlisten(name, onEvent);
    for (const closer of closers) unlisten(closer, onClose);
  });
  // An emitter calls the listeners it had when emit() began: one may run after close().
  function onEvent(...args: unknown[]): void {
    if (!channel.closed) channel.send(deliver(args));
  }
  function onClose(): void {
    channel.close();
  }
  listen(name, onEvent);
  for (const closer of closers) listen(closer, onClose);
  return channel;
}

/** What closing an EventChannel stops: its listeners (until it is closed). */
const stops = new WeakMap<object, () => void>();

/** A channel that stops listening to its event source when closed. */
export class EventChannel<T> extends Channel<T> {
  /** Made by fromEvent() and ipcChannel(): `stop` removes the listeners. */
  constructor(stop: () => void) {
    super();
    stops.set(this, stop);
  }
  override close(): void {
    const stop = stops.get(this);
    stops.delete(this);
    super.close();
    if (stop !== undefined) stop();
  }
}
