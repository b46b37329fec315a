// Preloaded into the test workers by FROZEN_INTRINSICS=1 (see vitest.config.ts). Vitest itself
// cannot run under `node --frozen-intrinsics` (it assigns to Date's statics), so this freezes
// what that flag would freeze and the engine could be tempted to touch: the prototypes of
// generators, async generators and iterators, and the functions that make them.
const generator = Object.getPrototypeOf(function* () {});
const asyncGenerator = Object.getPrototypeOf(async function* () {});
for (const object of [
  generator,
  generator.prototype,
  asyncGenerator,
  asyncGenerator.prototype,
  Object.getPrototypeOf(generator.prototype),
  Object.getPrototypeOf(asyncGenerator.prototype),
  generator.constructor,
  asyncGenerator.constructor,
]) {
  Object.freeze(object);
}
