import type { OwnedScope } from "../scope.js";
import type { Future, Scope } from "../types.js";
import { Deferred } from "./future.js";
import {
  type ChildNode,
  OUTCOME_ERR,
  OUTCOME_HALTED,
  OUTCOME_OK,
  type ScopeNode,
  type Waiter,
} from "./scope-node.js";
import { PlainScope } from "./task.js";

/** A scope owned by plain code, itself a child of its parent scope. */
class OwnedScopeNode extends PlainScope implements ChildNode, OwnedScope {
  prevSibling: ChildNode | undefined = undefined;
  nextSibling: ChildNode | undefined = undefined;
  outcome = OUTCOME_OK;
  result: unknown = undefined;
  private ended = new Deferred<void>();
  private started = false;

  constructor(parent: ScopeNode) {
    super(parent);
    parent.adopt(this);
  }

  get done(): boolean {
    return this.ended.settled;
  }

  requestHalt(): void {
    void this.halt();
  }

  halt(): Future<void> {
    if (!this.started) {
      this.started = true;
      this.destroyChildren((error, failed) => {
        this.parent!.release(this);
        if (failed) {
          this.outcome = OUTCOME_ERR;
          this.result = error;
          this.ended.reject(error);
        } else {
          this.outcome = OUTCOME_HALTED;
          this.ended.resolve();
        }
      });
    }
    return this.ended;
  }

  addWaiter(waiter: Waiter): void {
    this.ended.then(
      () => waiter.settled(this),
      () => waiter.settled(this),
    );
  }

  destroy(): Future<void> {
    return this.halt();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.halt().then(() => undefined);
  }

  *[Symbol.iterator](): Iterator<Scope | (() => Future<void>)> {
    yield this;
    yield () => this.halt();
  }
}

/**
 * Internal. {@link createScope} without `api.Scope.create` middleware: the core of that API.
 *
 * @example
 * ```ts
 * const [scope, destroy] = createOwnedScope(parent);
 * ```
 */
export function createOwnedScope(parent: Scope): OwnedScope & [Scope, () => Future<void>] {
  return new OwnedScopeNode(parent as ScopeNode) as unknown as OwnedScope &
    [Scope, () => Future<void>];
}
