/**
 * Thrown into a greenlet to end it (the default of `g.throw()`, the kill of an
 * orphaned greenlet, process exit). A greenlet that lets it escape ends quietly: the
 * GreenletExit instance is returned to its parent as a value.
 */
export class GreenletExit extends Error {
  constructor(message = 'greenlet exit') {
    super(message);
  }
}
GreenletExit.prototype.name = 'GreenletExit';

/** Misuse of greenlets: a switch that cannot happen, a parent cycle, teardown, limits. */
export class GreenletError extends Error {}
GreenletError.prototype.name = 'GreenletError';
