/**
 * Internal. Make instances of `Lazy` stand in for instances of `native` (a web class such as
 * `Request` or `Response`) that are built only when needed: `Lazy.prototype` gets
 * `native.prototype` as its prototype and its `constructor`, and every member of
 * `native.prototype` that `Lazy` does not answer itself (named in `own`) is forwarded to the
 * real object `realOf` builds on first use. So are the symbol-keyed slots the runtime keeps on
 * each instance (undici 6 keeps its state there, read from a `sample` instance), so that the
 * runtime's own code can take a lazy object wherever it takes a native one.
 *
 * @param Lazy - the stand-in class
 * @param native - the web class it stands in for
 * @param sample - an instance of `native`, to find its symbol-keyed slots
 * @param own - the members `Lazy` answers itself
 * @param realOf - the real object behind a stand-in; `sync` asks for one whose header list is
 *   up to date, for members that read it directly
 * @param readsHeaders - which members read the header list
 */
export function forwardToReal<L extends object, N extends object>(
  Lazy: { prototype: L },
  native: { prototype: N },
  sample: N,
  own: ReadonlySet<PropertyKey>,
  realOf: (lazy: L, sync: boolean) => N,
  readsHeaders: (key: PropertyKey) => boolean,
): void {
  const prototype = Lazy.prototype;
  Object.setPrototypeOf(prototype, native.prototype);
  Object.defineProperty(prototype, "constructor", {
    configurable: true,
    writable: true,
    value: native,
  });
  for (const key of Reflect.ownKeys(native.prototype)) {
    if (own.has(key) || key === "constructor") continue;
    const descriptor = Object.getOwnPropertyDescriptor(native.prototype, key)!;
    Object.defineProperty(prototype, key, forward(key, descriptor, realOf, readsHeaders(key)));
  }
  for (const key of Object.getOwnPropertySymbols(sample)) {
    Object.defineProperty(prototype, key, {
      configurable: true,
      get(this: L) {
        return (realOf(this, true) as Record<symbol, unknown>)[key];
      },
      set(this: L, next: unknown) {
        (realOf(this, true) as Record<symbol, unknown>)[key] = next;
      },
    });
  }
}

function forward<L, N>(
  key: PropertyKey,
  descriptor: PropertyDescriptor,
  realOf: (lazy: L, sync: boolean) => N,
  sync: boolean,
): PropertyDescriptor {
  const { value, get, set } = descriptor;
  if (get === undefined && set === undefined && typeof value !== "function") return descriptor;
  if (typeof value === "function") {
    return {
      configurable: true,
      writable: true,
      enumerable: descriptor.enumerable ?? false,
      // A method named as the native one is, for stack traces and `name`.
      value: {
        [key](this: L, ...args: unknown[]) {
          return Reflect.apply(value, realOf(this, sync), args);
        },
      }[key as string],
    };
  }
  return {
    configurable: true,
    enumerable: descriptor.enumerable ?? false,
    get:
      get &&
      function (this: L) {
        return Reflect.apply(get, realOf(this, sync), []);
      },
    set:
      set &&
      function (this: L, next: unknown) {
        Reflect.apply(set, realOf(this, sync), [next]);
      },
  };
}

/**
 * Internal. Make `to` hold exactly the entries of `from` (`set-cookie` lines stay separate):
 * how a real object built on first use gets the headers its stand-in handed out and that were
 * changed since.
 */
export function copyHeaders(from: Headers, to: Headers): void {
  for (const name of new Set(to.keys())) to.delete(name);
  for (const [name, value] of from) to.append(name, value);
}
