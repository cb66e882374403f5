// electron.d.ts (read for the types of tendril/electron's `ui`) mentions a few DOM types
// in its renderer-side declarations. tendril compiles for Node, without lib "dom"; these
// empty declarations stand in for them so the build type-checks electron.d.ts too
// (skipLibCheck is off). They are not emitted: an Electron project that uses
// tendril/electron compiles Electron's types against its own lib "dom".
/* eslint-disable @typescript-eslint/no-empty-interface */
interface HTMLElement {}
interface HTMLElementEventMap {}
interface EventListenerObject {}
type EventListenerOrEventListenerObject = ((event: unknown) => void) | EventListenerObject;
interface VideoFrame {}
interface MessagePort {}
