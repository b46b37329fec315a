import type {
  Api,
  Around,
  Callable,
  Coroutine,
  Effect,
  EventList,
  Middleware,
  Operation,
  Scope,
  Task,
} from "@skein/core";
import type * as effection from "effection";
import { describe, expectTypeOf, it } from "vitest";

// The types effection 4.1.1 users import exist in @skein/core with the same shapes.

interface Clock {
  now(): Operation<number>;
  zone: string;
}

describe("effection's exported types", () => {
  it("Middleware and Around have effection's shapes", () => {
    expectTypeOf<Middleware<[string], number>>().toEqualTypeOf<
      (args: [string], next: (...args: [string]) => number) => number
    >();
    expectTypeOf<Around<Clock>["now"]>().toEqualTypeOf<Middleware<[], Operation<number>>>();
    expectTypeOf<Around<Clock>["zone"]>().toEqualTypeOf<Middleware<[], string>>();
  });

  it("Api lifts plain members into operations and keeps operation members", () => {
    expectTypeOf<Api<Clock>["operations"]["now"]>().toEqualTypeOf<() => Operation<number>>();
    expectTypeOf<Api<Clock>["operations"]["zone"]>().toEqualTypeOf<Operation<string>>();
    expectTypeOf<Api<{ add(a: number): number }>["operations"]["add"]>().toEqualTypeOf<
      (a: number) => Operation<number>
    >();
  });

  it("Callable, EventList, Effect and Coroutine match effection's", () => {
    expectTypeOf<Callable<string, [number]>>().toEqualTypeOf<(n: number) => string>();
    expectTypeOf<EventList<WebSocket>>().toEqualTypeOf<effection.EventList<WebSocket>>();
    expectTypeOf<Effect<number>["description"]>().toEqualTypeOf<string>();
    expectTypeOf<Coroutine["scope"]>().toEqualTypeOf<Scope>();
  });

  it("Task is AsyncDisposable and Scope has around()", () => {
    expectTypeOf<Task<number>>().toExtend<AsyncDisposable>();
    expectTypeOf<Scope["around"]>().toBeFunction();
  });
});
