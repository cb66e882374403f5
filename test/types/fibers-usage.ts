// Compiled (not run) by test/fibers.test.mjs against the published declarations of
// tendril/fibers and tendril/fibers/future, the way node-fibers code imports them. Each
// expect-error directive must meet a real error.
import Fiber = require('tendril/fibers');
import Future = require('tendril/fibers/future');

const fiber: Fiber = Fiber((start: number) => start + 1);
const constructed: Fiber = new Fiber(() => Fiber.yield('x'));
const yielded: unknown = fiber.run(1);
const thrown: unknown = constructed.throwInto(new Error('x'));
const reset: unknown = fiber.reset();
const started: boolean = fiber.started;
const current: Fiber | undefined = Fiber.current;
Fiber.poolSize = 32;
class Sub extends Fiber {}
const sub: Fiber = new Sub(() => 1);

const future: Future<number> = new Future<number>();
future.return(1);
const value: number = future.get();
const waited: number = future.wait();
future.resolve((error, v) => void [error, v]).resolve(new Future(), (v: number) => void v);
const promised: Promise<number> = future.promise();
const fromPromise: Future<string> = Future.fromPromise(Promise.resolve('s'));
const task: Future = Future.task(() => 1);
const wrapped = Future.wrap((a: number, cb: (e: unknown, v?: number) => void) => cb(null, a));
const wrappedFuture: Future = wrapped(1);
const viaExtension: Future = function (x: number) {
  return x;
}.future()(1);
Future.wait(future, [fromPromise]);
const resolved: boolean = future.isResolved();
const errback: (error: unknown, value?: number) => void = future.resolver();

// @ts-expect-error Fiber takes a function
Fiber(1);
// @ts-expect-error started is read-only
fiber.started = true;
// @ts-expect-error Fiber.current is read-only
Fiber.current = fiber;
// @ts-expect-error get() of a Future<number> is a number
const notString: string = future.get();

void [yielded, thrown, reset, started, current, sub, value, waited, promised, task, wrappedFuture, viaExtension];
void [resolved, errback, notString];
