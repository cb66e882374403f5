// contextBridge between a page's main world and the isolated world its preload runs in
// (contextIsolation), for pages shown in Chromium for the Electron-shaped host. Both
// worlds run this script (role 'main' or 'isolated'); they share the DOM, so they talk
// through synchronous events on `window`, carrying JSON. As with Electron's
// contextBridge, values are copied (primitives, arrays, plain objects, errors), while
// functions and promises cross as proxies: a call runs in the world the function came
// from and returns synchronously; a promise settles in the other world when it does.
// eslint-disable-next-line no-unused-vars
function electronHostBridge(role) {
  const OUT = role === 'main' ? '__electronHostBridge:toIsolated' : '__electronHostBridge:toMain';
  const IN = role === 'main' ? '__electronHostBridge:toMain' : '__electronHostBridge:toIsolated';
  const functions = new Map();
  const promises = new Map();
  const returns = new Map();
  let nextId = 1;
  const handlers = {};

  function send(message) {
    window.dispatchEvent(new CustomEvent(OUT, { detail: JSON.stringify(message) }));
  }

  function serialize(value) {
    if (value === undefined) return { $u: 1 };
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'function') {
        const id = `${role}:${nextId++}`;
        functions.set(id, value);
        return { $f: id };
      }
      return typeof value === 'number' && !Number.isFinite(value) ? { $n: String(value) } : value;
    }
    if (typeof value.then === 'function') {
      const id = `${role}:${nextId++}`;
      value.then(
        (result) => send({ op: 'settle', id, ok: true, value: serialize(result) }),
        (error) => send({ op: 'settle', id, ok: false, value: serialize(error) }),
      );
      return { $p: id };
    }
    if (value instanceof Error) return { $e: { name: value.name, message: value.message } };
    if (Array.isArray(value)) return { $a: value.map(serialize) };
    const copy = {};
    for (const key of Object.keys(value)) copy[key] = serialize(value[key]);
    return { $o: copy };
  }

  function deserialize(value) {
    if (value === null || typeof value !== 'object') return value;
    if ('$u' in value) return undefined;
    if ('$n' in value) return Number(value.$n);
    if ('$a' in value) return value.$a.map(deserialize);
    if ('$o' in value) {
      const copy = {};
      for (const key of Object.keys(value.$o)) copy[key] = deserialize(value.$o[key]);
      return copy;
    }
    if ('$e' in value) {
      const error = new Error(value.$e.message);
      error.name = value.$e.name;
      return error;
    }
    if ('$f' in value) {
      const id = value.$f;
      return function (...args) {
        const callId = `${role}:${nextId++}`;
        send({ op: 'call', id, callId, args: args.map(serialize) });
        const result = returns.get(callId);
        returns.delete(callId);
        if (result === undefined) throw new Error('contextBridge: the other world did not answer');
        if (!result.ok) throw deserialize(result.value);
        return deserialize(result.value);
      };
    }
    if ('$p' in value) {
      return new Promise((resolve, reject) => promises.set(value.$p, { resolve, reject }));
    }
    return value;
  }

  window.addEventListener(IN, (event) => {
    const message = JSON.parse(event.detail);
    if (message.op === 'call') {
      let reply;
      try {
        const fn = functions.get(message.id);
        reply = { ok: true, value: serialize(fn(...message.args.map(deserialize))) };
      } catch (error) {
        reply = { ok: false, value: serialize(error) };
      }
      send({ op: 'return', callId: message.callId, ...reply });
    } else if (message.op === 'return') {
      returns.set(message.callId, { ok: message.ok, value: message.value });
    } else if (message.op === 'settle') {
      const pending = promises.get(message.id);
      promises.delete(message.id);
      if (pending !== undefined) (message.ok ? pending.resolve : pending.reject)(deserialize(message.value));
    } else if (handlers[message.op] !== undefined) {
      handlers[message.op](message);
    }
  });

  return { send, serialize, deserialize, handlers };
}
