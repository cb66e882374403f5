// Channel (send, blocking receive, tryReceive, close, iteration) and fromEvent() with
// real EventEmitters, EventTargets and TCP sockets on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { EventEmitter, once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { GreenletError, GreenletExit, Greenlet, settrace, Channel, ChannelClosed, fromEvent, spawn, asyncify, waitFor, sleep } from 'tendril';

/** Resolves once every task in `tasks` waits (they started and yielded to the loop). */
const settle = () => delay(2);

test('values come out in the order they were sent, undefined and null included', async () => {
  const ch = new Channel();
  assert.equal(Object.prototype.toString.call(ch), '[object Channel]');
  for (const v of [1, undefined, 'two', null, 3]) ch.send(v);
  assert.equal(ch.size, 5);
  const got = await asyncify(() => [ch.receive(), ch.receive(), ch.receive(), ch.receive(), ch.receive()])();
  assert.deepEqual(got, [1, undefined, 'two', null, 3]);
  assert.equal(ch.size, 0);
});

test('receive() waits for a send from a real timer; send() never switches', async () => {
  const ch = new Channel();
  const log = [];
  const task = spawn(() => {
    log.push('waiting');
    const v = ch.receive();
    log.push(`received ${v}`);
    return v;
  });
  setTimeout(() => {
    log.push('sending');
    ch.send('tick');
    log.push('sent'); // send returned before the receiver ran
  }, 20);
  assert.equal(await task.promise, 'tick');
  assert.deepEqual(log, ['waiting', 'sending', 'sent', 'received tick']);
});

test('send() from a greenlet does not block it; the receiver runs when the sender waits', async () => {
  const ch = new Channel();
  const log = [];
  const receiver = spawn(() => {
    for (const v of ch) log.push(`r ${v}`);
    return 'closed';
  });
  const sender = spawn(() => {
    ch.send(1);
    log.push('s sent 1');
    ch.send(2);
    log.push('s sent 2');
    sleep(5);
    ch.send(3);
    ch.close();
    log.push('s closed');
  });
  await sender.promise;
  assert.equal(await receiver.promise, 'closed');
  assert.deepEqual(log, ['s sent 1', 's sent 2', 'r 1', 'r 2', 's closed', 'r 3']);
});

test('several waiting receivers are served in the order they started waiting', async () => {
  const ch = new Channel();
  const log = [];
  const receivers = ['r0', 'r1', 'r2'].map((name) =>
    spawn(() => {
      const got = [];
      for (let i = 0; i < 3; i++) got.push(ch.receive());
      log.push(`${name} done`);
      return got;
    }),
  );
  await settle();
  for (let i = 0; i < 9; i++) ch.send(i);
  const results = await Promise.all(receivers.map((t) => t.promise));
  // Each woken receiver asks again and queues behind the others: round robin.
  assert.deepEqual(results, [
    [0, 3, 6],
    [1, 4, 7],
    [2, 5, 8],
  ]);
  assert.deepEqual(log, ['r0 done', 'r1 done', 'r2 done']);
});

test('a receiver killed while waiting takes no value; killed between send and delivery neither', async () => {
  const ch = new Channel();
  const make = (name) =>
    spawn(() => {
      try {
        return `${name}:${ch.receive()}`;
      } finally {
        // runs for the killed one too
      }
    });
  const [a, b, c] = [make('a'), make('b'), make('c')];
  await settle();
  b.kill();
  ch.send('x');
  // Sent while a waits, and a is killed before the event loop delivers it.
  a.kill();
  ch.send('y');
  assert.ok((await a.promise) instanceof GreenletExit);
  assert.ok((await b.promise) instanceof GreenletExit);
  assert.equal(await c.promise, 'c:x');
  assert.deepEqual(ch.tryReceive(), { ok: true, value: 'y' });
  assert.equal(ch.size, 0);
});

test('tryReceive: nothing, a value, nothing while the values are promised to waiting receivers; works in main', async () => {
  const ch = new Channel();
  assert.deepEqual(ch.tryReceive(), { ok: false, value: undefined });
  ch.send('a');
  ch.send('b');
  assert.deepEqual(ch.tryReceive(), { ok: true, value: 'a' });
  const task = spawn(() => [ch.receive(), ch.receive()]);
  await settle();
  ch.send('c');
  assert.deepEqual(ch.tryReceive(), { ok: false, value: undefined }, 'c belongs to the waiting receiver');
  assert.deepEqual(await task.promise, ['b', 'c']);
  const inside = await asyncify(() => {
    ch.send('d');
    return [ch.tryReceive(), ch.tryReceive()];
  })();
  assert.deepEqual(inside, [
    { ok: true, value: 'd' },
    { ok: false, value: undefined },
  ]);
});

test('close(): sends throw ChannelClosed, buffered values drain, then receive() throws ChannelClosed', async () => {
  const ch = new Channel();
  ch.send(1);
  ch.send(2);
  ch.close();
  ch.close(); // twice is fine
  assert.equal(ch.closed, true);
  assert.throws(
    () => ch.send(3),
    (e) => e instanceof ChannelClosed && e instanceof GreenletError && e.name === 'ChannelClosed' && /send\(\) on a closed channel/.test(e.message),
  );
  const result = await asyncify(() => {
    const got = [ch.receive(), ch.receive()];
    const errors = [];
    for (let i = 0; i < 2; i++) {
      try {
        ch.receive();
      } catch (e) {
        errors.push(e instanceof ChannelClosed ? e.message : String(e));
      }
    }
    return { got, errors };
  })();
  assert.deepEqual(result, {
    got: [1, 2],
    errors: ['receive() on a closed channel: every value was received', 'receive() on a closed channel: every value was received'],
  });
  assert.deepEqual(ch.tryReceive(), { ok: false, value: undefined });
});

test('close() wakes every waiting receiver with ChannelClosed, after the values sent before it', async () => {
  const ch = new Channel();
  const tasks = [0, 1, 2].map((i) =>
    spawn(() => {
      try {
        return `value ${ch.receive()}`;
      } catch (e) {
        return e instanceof ChannelClosed ? `closed ${i}` : `other ${e}`;
      }
    }),
  );
  await settle();
  ch.send('only');
  ch.close();
  assert.deepEqual(await Promise.all(tasks.map((t) => t.promise)), ['value only', 'closed 1', 'closed 2']);
});

test('for..of over a channel ends cleanly on close; break leaves it open', async () => {
  const ch = new Channel();
  const all = spawn(() => {
    const seen = [];
    for (const v of ch) seen.push(v);
    return seen;
  });
  for (let i = 0; i < 5; i++) {
    ch.send(i);
    await delay(1);
  }
  ch.close();
  assert.deepEqual(await all.promise, [0, 1, 2, 3, 4]);

  const ch2 = new Channel();
  ['a', 'b', 'c'].forEach((v) => ch2.send(v));
  const first = await asyncify(() => {
    for (const v of ch2) return v;
  })();
  assert.equal(first, 'a');
  assert.equal(ch2.closed, false);
  assert.equal(ch2.size, 2);
});

test('receive() and iteration in the main greenlet throw GreenletError, even with values buffered', () => {
  const ch = new Channel();
  ch.send(1);
  assert.throws(() => ch.receive(), (e) => e instanceof GreenletError && /^Channel\.receive\(\) cannot wait in the main greenlet/.test(e.message));
  assert.throws(() => {
    for (const v of ch) void v;
  }, GreenletError);
  assert.equal(ch.size, 1, 'the value is still there');
});

test('a stray switch to a greenlet waiting in receive() throws; it stays parked and gets the next value', async () => {
  const ch = new Channel();
  const log = [];
  const g = new Greenlet(() => {
    log.push(`got ${ch.receive()}`);
    return 'done';
  });
  g.switch();
  assert.throws(() => g.switch('stray'), (e) => e instanceof GreenletError && /waiting in Channel\.receive\(\)/.test(e.message));
  await delay(1);
  assert.deepEqual(log, []);
  ch.send('real');
  await delay(1);
  assert.deepEqual(log, ['got real']);
  assert.equal(g.dead, true);
});

test('no value lost or delivered twice: 4 consumers, one killed midway and replaced, 600 values', async () => {
  const ch = new Channel();
  const received = [];
  const counts = {};
  const consumer = (name) =>
    spawn(() => {
      counts[name] = 0;
      for (const v of ch) {
        received.push(v);
        counts[name]++;
        if (counts[name] % 7 === 0) sleep(0);
      }
      return name;
    });
  const consumers = [consumer('c0'), consumer('c1'), consumer('c2'), consumer('c3')];
  for (let i = 0; i < 600; i++) {
    ch.send(i);
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    if (i === 300) {
      consumers[1].kill();
      consumers.push(consumer('c4'));
    }
  }
  ch.close();
  const ends = await Promise.all(consumers.map((t) => t.promise));
  assert.ok(ends[1] instanceof GreenletExit);
  assert.deepEqual([ends[0], ends[2], ends[3], ends[4]], ['c0', 'c2', 'c3', 'c4']);
  assert.equal(received.length, 600);
  assert.deepEqual(
    [...received].sort((a, b) => a - b),
    Array.from({ length: 600 }, (_, i) => i),
  );
  assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 600);
  for (const name of ['c0', 'c1', 'c2', 'c3', 'c4']) assert.ok(counts[name] > 0, `${name} received values: ${JSON.stringify(counts)}`);
  assert.equal(ch.size, 0);
});

test('a value handed to a receiver whose wake-up fails (its tracer throws) goes back to the channel', async () => {
  const ch = new Channel();
  const traceError = new Error('tracer failed');
  const task = spawn(() => {
    try {
      return `received ${ch.receive()}`;
    } catch (e) {
      return e === traceError ? 'wake-up failed' : `other ${e}`;
    }
  });
  await settle();
  settrace((event, origin, target) => {
    if (target === task.greenlet) throw traceError; // raised in the receiver, then the tracer is removed
  });
  try {
    ch.send('kept');
    assert.equal(await task.promise, 'wake-up failed');
  } finally {
    settrace(null);
  }
  assert.deepEqual(ch.tryReceive(), { ok: true, value: 'kept' });
});

test('fromEvent(EventEmitter): one value per event, argument packing like switch(), close() stops listening', async () => {
  const emitter = new EventEmitter();
  const ch = fromEvent(emitter, 'data');
  assert.equal(emitter.listenerCount('data'), 1);
  const task = spawn(() => [ch.receive(), ch.receive(), ch.receive(), ch.receive()]);
  setTimeout(() => {
    emitter.emit('data', 'one');
    emitter.emit('data');
    emitter.emit('data', 1, 2);
    emitter.emit('other', 'ignored');
    emitter.emit('data', { k: 'v' });
  }, 5);
  assert.deepEqual(await task.promise, ['one', undefined, [1, 2], { k: 'v' }]);
  ch.close();
  assert.equal(emitter.listenerCount('data'), 0);
  emitter.emit('data', 'after close'); // nobody listens, nothing throws
  assert.equal(ch.size, 0);
});

test('fromEvent closeOn: the end event closes the channel, iteration drains and ends, listeners removed', async () => {
  const emitter = new EventEmitter();
  const ch = fromEvent(emitter, 'line', { closeOn: ['end', 'error'] });
  const task = spawn(() => [...ch]);
  await settle();
  emitter.emit('line', 'a');
  emitter.emit('line', 'b');
  emitter.emit('end');
  emitter.emit('line', 'late');
  assert.deepEqual(await task.promise, ['a', 'b']);
  assert.deepEqual([emitter.listenerCount('line'), emitter.listenerCount('end'), emitter.listenerCount('error')], [0, 0, 0]);
});

test('fromEvent: a listener that runs after close() in the same emit does not throw', () => {
  const emitter = new EventEmitter();
  let ch;
  emitter.on('x', () => ch.close());
  ch = fromEvent(emitter, 'x');
  assert.doesNotThrow(() => emitter.emit('x', 1));
  assert.equal(ch.size, 0);
  assert.throws(() => fromEvent({}, 'x'), TypeError);
  assert.throws(() => fromEvent(null, 'x'), TypeError);
});

test('fromEvent(EventTarget): real EventTarget events; close() removes the very listener it added', async () => {
  const target = new EventTarget();
  const ch = fromEvent(target, 'ping');
  const task = spawn(() => {
    const a = ch.receive();
    const b = ch.receive();
    return [a.type, a.detail, b.type, b.detail];
  });
  setTimeout(() => {
    target.dispatchEvent(new CustomEvent('ping', { detail: 1 }));
    target.dispatchEvent(new Event('pong'));
    target.dispatchEvent(new CustomEvent('ping', { detail: 2 }));
  }, 5);
  assert.deepEqual(await task.promise, ['ping', 1, 'ping', 2]);

  // A spy target records the listener objects.
  const calls = [];
  const spy = {
    addEventListener: (type, l) => calls.push(['add', type, l]),
    removeEventListener: (type, l) => calls.push(['remove', type, l]),
  };
  const ch2 = fromEvent(spy, 'message', { closeOn: 'close' });
  ch2.close();
  ch2.close();
  assert.deepEqual(
    calls.map(([op, type]) => `${op} ${type}`),
    ['add message', 'add close', 'remove message', 'remove close'],
  );
  assert.equal(calls[0][2], calls[2][2]);
  assert.equal(calls[1][2], calls[3][2]);
  ch.close();
  target.dispatchEvent(new CustomEvent('ping', { detail: 3 }));
  assert.equal(ch.size, 0);
});

test('fromEvent over real TCP sockets on 127.0.0.1: a line-echo server and a greenlet client', async () => {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    // The server side is a greenlet too: a synchronous read loop over the socket's data.
    spawn(() => {
      const data = fromEvent(socket, 'data', { closeOn: 'end' });
      socket.setEncoding('utf8');
      let buffer = '';
      for (const chunk of data) {
        buffer += chunk;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          socket.write(`${line.toUpperCase()}\n`);
        }
      }
      socket.end('BYE\n');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  try {
    const transcript = await asyncify(() => {
      const socket = net.connect(port, '127.0.0.1');
      const data = fromEvent(socket, 'data', { closeOn: 'close' });
      waitFor(once(socket, 'connect'));
      socket.setEncoding('utf8');
      let text = '';
      for (const word of ['alpha', 'beta', 'gamma']) {
        socket.write(`${word}\n`);
        while (!text.endsWith('\n')) text += data.receive();
        text += '|';
      }
      socket.end();
      for (const chunk of data) text += chunk;
      return text;
    })();
    assert.equal(transcript, 'ALPHA\n|BETA\n|GAMMA\n|BYE\n');
  } finally {
    server.close();
  }
});
