/**
 * Internal. Driving the generator objects of `function*` bodies without looking up their
 * methods.
 *
 * Every `function*` closure gets a prototype object of its own, so the generator objects of a
 * thousand spawned closures have a thousand different shapes. Looking up `next` or
 * `[Symbol.iterator]` on each one misses V8's inline caches and goes through the runtime, which
 * also registers the new prototype as it goes. The prototype of that prototype is always the
 * shared generator prototype, so one check of it tells a native generator apart, and its `next`
 * can then be called directly.
 */

const GeneratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf((function* () {})())) as {
  next(this: Iterator<unknown>, value?: unknown): IteratorResult<unknown>;
};

/** The generator prototype's own `next`, read once. */
export const generatorNext = GeneratorPrototype.next;

/** Internal. Whether `value` is a generator object made by a `function*` with its own prototype. */
export function isNativeGenerator(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const own = Object.getPrototypeOf(value);
  return own !== null && Object.getPrototypeOf(own) === GeneratorPrototype;
}
