// Reading the overloads of a function type, for typings that keep them (blocking()) or
// pick one by its arguments (fromEvent()). TypeScript's own `infer` sees only the last
// overload; matching a pattern of 16 call signatures sees up to 16 of them. Generic
// signatures come out with their type parameters at their constraints (usually
// unknown), never any.

/**
 * The call signatures of `F` as `[parameters, result]` pairs, in declaration order: its
 * last 16 when it has more, each once. `[]` for a type that cannot be called.
 */
export type Signatures<F> = Distinct<Padded<F>>;

// A type with fewer than 16 signatures matches with its first one repeated in front.
type Padded<F> = F extends {
  (...a: infer P1): infer R1;
  (...a: infer P2): infer R2;
  (...a: infer P3): infer R3;
  (...a: infer P4): infer R4;
  (...a: infer P5): infer R5;
  (...a: infer P6): infer R6;
  (...a: infer P7): infer R7;
  (...a: infer P8): infer R8;
  (...a: infer P9): infer R9;
  (...a: infer P10): infer R10;
  (...a: infer P11): infer R11;
  (...a: infer P12): infer R12;
  (...a: infer P13): infer R13;
  (...a: infer P14): infer R14;
  (...a: infer P15): infer R15;
  (...a: infer P16): infer R16;
}
  ? [[P1, R1], [P2, R2], [P3, R3], [P4, R4], [P5, R5], [P6, R6], [P7, R7], [P8, R8],
     [P9, R9], [P10, R10], [P11, R11], [P12, R12], [P13, R13], [P14, R14], [P15, R15], [P16, R16]]
  : [];

/** Exactly the same type (not merely assignable either way). */
type Same<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;

type Includes<L extends unknown[], X> = L extends [infer H, ...infer Rest]
  ? Same<H, X> extends true
    ? true
    : Includes<Rest, X>
  : false;

type Distinct<L extends unknown[], Out extends unknown[] = []> = L extends [infer H, ...infer Rest]
  ? Distinct<Rest, Includes<Out, H> extends true ? Out : [...Out, H]>
  : Out;

/** True for `any` only. */
export type IsAny<T> = 0 extends 1 & T ? true : false;
