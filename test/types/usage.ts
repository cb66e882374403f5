// Compiled (not run) by test/types.test.mjs against the published declarations. Each
// expect-error directive below must meet a real error: if a type became `any`, tsc
// reports the directive as unused and the test fails.
import {
  Greenlet, getCurrent, settrace, gettrace, onMain, configure, stats, GreenletExit, GreenletError,
  waitFor, sleep, blocking, spawn, asyncify, Task, Channel, ChannelClosed, fromEvent,
} from 'tendril';
import type { Tracer, TraceEvent } from 'tendril';
import { EventEmitter } from 'node:events';

const g: Greenlet = new Greenlet((a: number, b: number) => a + b);
const parented = new Greenlet(() => 1, g);
const back: unknown = g.switch(1, 2);
const thrown: unknown = g.throw(new Error('x'));
const parent: Greenlet | null = parented.parent;
parented.parent = Greenlet.main;
const flags: boolean[] = [g.dead, g.started, g.active, g.isMain];
g.run = () => 'replaced';
const run: ((...args: any[]) => unknown) | undefined = g.run;
const current: Greenlet = getCurrent();
const previous: Tracer | null = settrace((event: TraceEvent, origin: Greenlet, target: Greenlet) => {
  void [event, origin, target];
});
const tracer: Tracer | null = gettrace();
const n: number = onMain(() => 42);
configure({ stackSize: 2 * 1024 * 1024, idleCarriers: 4, mirrorMainStack: true });
const s: { greenlets: number; carriers: number; idleCarriers: number } = stats();
const onCarriers: number = stats().gc.carriers.full + stats().gc.carriers.sweeps;
const mirrored: boolean = stats().gc.mirror.on;
const exitIsError: Error = new GreenletExit();
const misuseIsError: Error = new GreenletError('m');

class Worker extends Greenlet {
  run(x: string): string {
    return x;
  }
}
new Worker().switch('hi');

const text: string = waitFor(Promise.resolve('text'));
sleep(10);
const read: (path: string) => string = blocking(async (path: string) => path.toUpperCase());
const task: Task<number> = spawn((x: number) => x * 2, 21);
const taskPromise: Promise<number | GreenletExit> = task.promise; // a killed task ends with its GreenletExit
const asyncDouble: (x: number) => Promise<number> = asyncify((x: number) => x * 2);
const channel = new Channel<number>();
channel.send(1);
const received: number = channel.receive();
for (const value of channel) void (value satisfies number);
const closed: Error = new ChannelClosed();
const events: Channel<unknown> = fromEvent(new EventEmitter(), 'data');

// @ts-expect-error run must be a function
new Greenlet(42);
// @ts-expect-error parent must be a Greenlet
new Greenlet(() => 1, {});
// @ts-expect-error the tracer's event is 'switch' | 'throw'
const badTrace: TraceEvent = 'resume';
// @ts-expect-error stackSize is a number
configure({ stackSize: '1M' });
// @ts-expect-error mirrorMainStack is a boolean
configure({ mirrorMainStack: 1 });
// @ts-expect-error a Channel<number> takes numbers
channel.send('one');
// @ts-expect-error onMain takes a function
onMain(42);

void [run, back, thrown, parent, flags, current, previous, tracer, n, s, onCarriers, mirrored, exitIsError, misuseIsError, text, read,
  taskPromise, asyncDouble, received, closed, events, badTrace];
