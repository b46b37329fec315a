/** Internal. A node of a {@link WaitList}: a waiter that can leave from anywhere in O(1). */
export interface WaitLink<N> {
  prevWait: N | undefined;
  nextWait: N | undefined;
  /** Whether the node is in a list now. */
  waiting: boolean;
}

/**
 * Internal. A first-in first-out list of waiters (tasks suspended on a semaphore, a queue or an
 * event). A waiter that is halted unlinks itself from its teardown, so no grant is ever handed to
 * a task that has stopped waiting.
 */
export class WaitList<N extends WaitLink<N>> {
  private head: N | undefined = undefined;
  private tail: N | undefined = undefined;
  size = 0;

  push(node: N): void {
    node.prevWait = this.tail;
    node.nextWait = undefined;
    if (this.tail === undefined) this.head = node;
    else this.tail.nextWait = node;
    this.tail = node;
    node.waiting = true;
    this.size++;
  }

  /** Take the longest-waiting node out of the list. */
  shift(): N | undefined {
    const node = this.head;
    if (node !== undefined) this.remove(node);
    return node;
  }

  /** Unlink `node`; does nothing if it has already left. */
  remove(node: N): void {
    if (!node.waiting) return;
    node.waiting = false;
    const { prevWait, nextWait } = node;
    if (prevWait === undefined) this.head = nextWait;
    else prevWait.nextWait = nextWait;
    if (nextWait === undefined) this.tail = prevWait;
    else nextWait.prevWait = prevWait;
    node.prevWait = node.nextWait = undefined;
    this.size--;
  }
}
