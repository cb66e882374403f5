// 1,000 greenlets (1,000 carrier threads) waiting at once: on a promise, on real timers,
// on real fs.promises reads and on real TCP round trips to a server on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { once } from 'node:events';
import { spawn, waitFor, sleep, fromEvent, stats } from 'tendril';

const N = 1000;

/** Counts greenlets inside one kind of wait and remembers the most at once. */
class Gauge {
  now = 0;
  max = 0;
  wait(fn) {
    this.now++;
    this.max = Math.max(this.max, this.now);
    try {
      return fn();
    } finally {
      this.now--;
    }
  }
}

/** A promise that resolves when `arrive()` was called n times. */
function barrier(n) {
  let count = 0;
  let open;
  const promise = new Promise((resolve) => (open = resolve));
  return {
    promise,
    arrive(onFull) {
      if (++count === n) {
        onFull?.();
        open();
      }
    },
  };
}

test(`${N} greenlets wait at once on a promise, timers, fs.promises and TCP sockets`, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tendril-thousand-'));
  for (let f = 0; f < 10; f++) fs.writeFileSync(path.join(dir, `f${f}.txt`), `file ${f}`);
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.pipe(socket);
  });
  server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 });
  await once(server, 'listening');
  const { port } = server.address();

  const gauges = { start: new Gauge(), timer: new Gauge(), fs: new Gauge(), tcp: new Gauge() };
  const started = barrier(N);
  const slept = barrier(N);
  const read = barrier(N);
  let liveAtStart = -1;
  const order = [];

  try {
    const t0 = performance.now();
    const tasks = Array.from({ length: N }, (_, i) =>
      spawn(() => {
        started.arrive(() => (liveAtStart = stats().greenlets));
        gauges.start.wait(() => waitFor(started.promise));
        // All released in one drain of the microtask queue: no timer can fire before the
        // last of them sleeps, so all N sleep at once.
        gauges.timer.wait(() => sleep(20 + (i % 20)));
        order.push(i);
        slept.arrive();
        waitFor(slept.promise);
        const text = gauges.fs.wait(() => waitFor(fs.promises.readFile(path.join(dir, `f${i % 10}.txt`), 'utf8')));
        read.arrive();
        waitFor(read.promise);
        const echo = gauges.tcp.wait(() => {
          const socket = net.connect(port, '127.0.0.1');
          const data = fromEvent(socket, 'data', { closeOn: 'close' });
          socket.setEncoding('utf8');
          socket.write(`hello ${i}\n`);
          let got = '';
          while (!got.endsWith('\n')) got += data.receive();
          socket.end();
          for (const rest of data) got += rest; // until the socket closes
          return got;
        });
        return `${i}|${text}|${echo}`;
      }),
    );
    const results = await Promise.all(tasks.map((t) => t.promise));
    const elapsed = performance.now() - t0;
    assert.deepEqual(
      results,
      Array.from({ length: N }, (_, i) => `${i}|file ${i % 10}|hello ${i}\n`),
    );
    assert.equal(liveAtStart, N, 'every task was a live greenlet at once');
    assert.deepEqual(
      Object.fromEntries(Object.entries(gauges).map(([k, g]) => [k, g.max])),
      { start: N, timer: N, fs: N, tcp: N },
    );
    // Every sleeper woke once; sleepers of the same duration (started in task order)
    // woke in that order.
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      Array.from({ length: N }, (_, i) => i),
    );
    for (let d = 0; d < 20; d++) {
      const same = order.filter((i) => i % 20 === d);
      assert.deepEqual(same, Array.from({ length: N / 20 }, (_, k) => d + 20 * k), `sleep(${20 + d}) wake order`);
    }
    assert.equal(connections, N);
    assert.ok(tasks.every((t) => t.dead && t.greenlet.dead));
    assert.equal(stats().greenlets, 0);
    assert.ok(elapsed < 30_000, `took ${elapsed} ms`);
  } finally {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
