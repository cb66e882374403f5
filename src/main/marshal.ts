// marshal(target): the same object seen through a Proxy that runs everything done to it
// on the main greenlet's thread, through onMain(). It is what `ui` of tendril/electron
// is made of: Electron's main-process objects must only be touched on the UI thread,
// and a non-main greenlet runs on a thread of its own (a carrier).
//
// The proxies form a membrane between the caller (any greenlet, any thread) and the
// objects inside (touched only on the main thread):
//
// - inside → caller: every object and function a marshalled read, call or `new` returns
//   comes back marshalled too, always as the same proxy for the same object (a WeakMap
//   from object to proxy), so identity holds: `a.get() === a.get()`, and a window found
//   through a registry is === the one `new` returned. A native Promise comes back as a
//   Promise (a real one, so `await` and waitFor() work) that settles with the marshalled
//   value; the same Promise each time for the same original.
// - caller → inside: a proxy passed back as an argument, as `this`, as a value to set,
//   or nested in a plain object or array argument, is replaced by its object (nothing
//   inside ever sees a proxy; a plain object or array that holds proxies or functions is
//   passed as a shallow copy with them replaced). A function passed in (a listener, a
//   callback) is passed as a wrapper that marshals its `this` and arguments and unwraps
//   its result, again the same wrapper for the same function, so removing a listener
//   works and a listener read back is the caller's own function.
// - errors are not wrapped: what a marshalled call throws reaches the caller as the very
//   same value (onMain() keeps identity), and a rejection is passed on as it is.
// - a function passed in runs where the inside calls it: a listener Electron calls
//   later runs on the main thread, in the main greenlet, so it can use marshalled
//   objects (a marshalled call from the main greenlet is a plain call) but cannot wait.
//
// A marshalled call runs inside onMain(): it cannot switch greenlets or wait, and trying
// to throws GreenletError.
//
// Each proxy stands on a "shadow" (an empty object, array or bound function), not on the
// object itself, so Proxy invariants never force a raw value out: a native addon's
// read-only exports and a class's `prototype` come back marshalled too. What that costs:
// Object.getPrototypeOf() of a proxy returns the real prototype (so `instanceof` works
// against the real classes: `e instanceof Error`, `w instanceof ui.BrowserWindow`);
// non-configurable properties are reported as configurable; a proxy cannot be frozen
// or made non-extensible (TypeError). Binary data (Buffers, typed arrays, ArrayBuffers)
// is not wrapped: it is plain memory, safe to read on any thread, and APIs that take a
// Buffer need the real one. util.inspect()/console.log() of a proxy inspect the object
// on the main thread.
import { inspect, types } from 'node:util';
import { onMain } from './greenlet';

type AnyFunction = (...args: any[]) => any;

/** object (inside) → its proxy */
const proxies = new WeakMap<object, object>();
/** proxy → its object */
const targets = new WeakMap<object, object>();
/** shadow (the Proxy's own target) → the object */
const reals = new WeakMap<object, object>();
/** original Promise (inside) → the Promise handed out */
const derived = new WeakMap<object, Promise<unknown>>();
/** Promise handed out → its original */
const originals = new WeakMap<object, object>();
/** caller's function → the wrapper passed inside */
const wrappers = new WeakMap<AnyFunction, AnyFunction>();
/** wrapper passed inside → the caller's function */
const callers = new WeakMap<AnyFunction, AnyFunction>();

/** Nested plain objects and arrays are searched this deep for proxies and functions. */
const MAX_DEPTH = 8;

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** Inside → caller: what the caller gets for a value coming out of the membrane. */
function wrap(value: unknown): unknown {
  if (!isObject(value)) return value;
  // Most values that come out are objects seen before. (One that has a proxy is an
  // inside object, never a proxy, a handed-out Promise or a wrapper: those never get
  // one, so checking this first changes nothing.)
  const seen = proxies.get(value);
  if (seen !== undefined) return seen;
  if (targets.has(value) || originals.has(value)) return value;
  const caller = callers.get(value as AnyFunction);
  if (caller !== undefined) return caller;
  if (types.isPromise(value)) return promiseFor(value);
  if (ArrayBuffer.isView(value) || types.isAnyArrayBuffer(value)) return value;
  const shadow = shadowFor(value);
  const proxy: object = new Proxy(shadow, handler);
  reals.set(shadow, value);
  proxies.set(value, proxy);
  targets.set(proxy, value);
  return proxy;
}

/** The Proxy's own target: callable (and constructible) for a function, an array for
 *  an array (Array.isArray), a plain object otherwise; no non-configurable properties
 *  but an array's length. */
function shadowFor(value: object): object {
  const shadow: object =
    typeof value === 'function'
      ? function () {}.bind(null)
      : Array.isArray(value)
        ? []
        : Object.create(null);
  // util.inspect() looks at the shadow, not through the traps: show the real object.
  Object.defineProperty(shadow, inspect.custom, {
    configurable: true,
    value: (_depth: number, options: object) => onMain(() => inspect(value, options)),
  });
  return shadow;
}

function realOf(shadow: object): object {
  return reals.get(shadow)!;
}

function promiseFor(original: Promise<unknown>): Promise<unknown> {
  let promise = derived.get(original);
  if (promise === undefined) {
    promise = original.then(wrap);
    derived.set(original, promise);
    originals.set(promise, original);
  }
  return promise;
}

/** Caller → inside: what the inside gets for a value the caller passes in. */
function unwrap(value: unknown, depth = 0, seen?: Map<object, unknown>): unknown {
  if (!isObject(value)) return value;
  const target = targets.get(value) ?? originals.get(value);
  if (target !== undefined) return target;
  if (typeof value === 'function') {
    if (proxies.has(value)) return value; // an inside function that crossed back unwrapped
    return wrapperFor(value as AnyFunction);
  }
  if (depth >= MAX_DEPTH || !isPlainContainer(value)) return value;
  const memo = seen ?? new Map<object, unknown>();
  if (memo.has(value)) return memo.get(value);
  memo.set(value, value);
  let copy: Record<PropertyKey, unknown> | unknown[] | null = null;
  const keys = Array.isArray(value) ? value.keys() : Object.keys(value);
  for (const key of keys) {
    const item = (value as Record<PropertyKey, unknown>)[key];
    const inside = unwrap(item, depth + 1, memo);
    if (inside !== item && copy === null) {
      copy = Array.isArray(value)
        ? [...(value as unknown[])]
        : (Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as object, value) as Record<PropertyKey, unknown>);
      memo.set(value, copy);
    }
    if (copy !== null) (copy as Record<PropertyKey, unknown>)[key] = inside;
  }
  return copy ?? value;
}

function isPlainContainer(value: object): boolean {
  if (Array.isArray(value)) return !types.isProxy(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && !types.isProxy(value);
}

function wrapperFor(fn: AnyFunction): AnyFunction {
  let wrapper = wrappers.get(fn);
  if (wrapper === undefined) {
    wrapper = function (this: unknown, ...args: unknown[]): unknown {
      return unwrap(Reflect.apply(fn, wrap(this), args.map(wrap)));
    };
    Object.defineProperty(wrapper, 'name', { value: fn.name });
    wrappers.set(fn, wrapper);
    callers.set(wrapper, fn);
  }
  return wrapper;
}

function wrapDescriptor(shadow: object, key: PropertyKey, descriptor: PropertyDescriptor | undefined): PropertyDescriptor | undefined {
  if (descriptor === undefined) return undefined;
  const out: PropertyDescriptor = { ...descriptor };
  if ('value' in out) out.value = wrap(out.value);
  if (out.get !== undefined) out.get = wrap(out.get) as () => unknown;
  if (out.set !== undefined) out.set = wrap(out.set) as (v: unknown) => void;
  // Only a property the shadow itself holds (an array's length) may be non-configurable.
  const own = Reflect.getOwnPropertyDescriptor(shadow, key);
  if (own === undefined || own.configurable === true) out.configurable = true;
  return out;
}

function unwrapDescriptor(descriptor: PropertyDescriptor): PropertyDescriptor {
  const out: PropertyDescriptor = { ...descriptor };
  if ('value' in out) out.value = unwrap(out.value);
  if (out.get !== undefined) out.get = unwrap(out.get) as () => unknown;
  if (out.set !== undefined) out.set = unwrap(out.set) as (v: unknown) => void;
  return out;
}

/** `this`, a receiver or new.target: a proxy means its object; anything else (a
 *  subclass as new.target, an object inheriting from a proxy) is passed as it is. */
function unwrapSelf(value: unknown): unknown {
  if (!isObject(value)) return value;
  return targets.get(value) ?? originals.get(value) ?? value;
}

const handler: ProxyHandler<any> = {
  get(shadow: object, key, receiver) {
    const real = realOf(shadow);
    return onMain(() => wrap(Reflect.get(real, key, unwrapSelf(receiver))));
  },
  set(shadow: object, key, value, receiver) {
    const real = realOf(shadow);
    return onMain(() => Reflect.set(real, key, unwrap(value), unwrapSelf(receiver)));
  },
  has(shadow: object, key) {
    const real = realOf(shadow);
    return onMain(() => Reflect.has(real, key));
  },
  deleteProperty(shadow: object, key) {
    const real = realOf(shadow);
    return onMain(() => Reflect.deleteProperty(real, key));
  },
  ownKeys(shadow: object) {
    const real = realOf(shadow);
    return onMain(() => Reflect.ownKeys(real));
  },
  getOwnPropertyDescriptor(shadow: object, key) {
    const real = realOf(shadow);
    return onMain(() => wrapDescriptor(shadow, key, Reflect.getOwnPropertyDescriptor(real, key)));
  },
  defineProperty(shadow: object, key, descriptor) {
    const real = realOf(shadow);
    return onMain(() => {
      if (!Reflect.defineProperty(real, key, unwrapDescriptor(descriptor))) return false;
      // A property defined non-configurable must exist so on the shadow too (invariant).
      if (descriptor.configurable === false) Reflect.defineProperty(shadow, key, descriptor);
      return true;
    });
  },
  getPrototypeOf(shadow: object) {
    const real = realOf(shadow);
    return onMain(() => Reflect.getPrototypeOf(real));
  },
  setPrototypeOf(shadow: object, proto) {
    const real = realOf(shadow);
    return onMain(() => Reflect.setPrototypeOf(real, unwrap(proto) as object | null));
  },
  isExtensible(shadow: object) {
    return Reflect.isExtensible(shadow); // always true: proxies cannot be frozen
  },
  preventExtensions() {
    return false; // Object.freeze/preventExtensions/seal of a proxy throw TypeError
  },
  apply(shadow: AnyFunction, self, args) {
    const real = realOf(shadow) as AnyFunction;
    return onMain(() => wrap(Reflect.apply(real, unwrapSelf(self), args.map((arg) => unwrap(arg)))));
  },
  construct(shadow: AnyFunction, args, newTarget) {
    const real = realOf(shadow) as new (...args: any[]) => object;
    return onMain(
      () =>
        wrap(
          Reflect.construct(
            real,
            args.map((arg) => unwrap(arg)),
            unwrapSelf(newTarget) as AnyFunction,
          ),
        ) as object,
    );
  },
};

/**
 * Returns `target` seen through the marshalling membrane: every property read, write,
 * call and `new` on it (and on every object it hands out) runs on the main greenlet's
 * thread through onMain(), on the same objects. Primitives are returned as they are.
 * Marshalling an object twice gives the same proxy; marshalling a proxy gives it back.
 */
export function marshal<T>(target: T): T {
  return onMain(() => wrap(target)) as T;
}

/** The object behind a marshalled proxy (or the original of a marshalled Promise); any
 *  other value as it is. Use it on the main thread only. */
export function unmarshal<T>(value: T): T {
  if (!isObject(value)) return value;
  return (targets.get(value) ?? originals.get(value) ?? value) as T;
}

/** Whether `value` is a proxy made by marshal() (or a Promise it handed out). */
export function isMarshalled(value: unknown): boolean {
  return isObject(value) && (targets.has(value) || originals.has(value));
}

/** For the Electron layer: values passed to the inside by tendril itself. @internal */
export const toInside = (value: unknown): unknown => unwrap(value);
