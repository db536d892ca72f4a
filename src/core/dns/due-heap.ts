/**
 * Lookups in flight ordered by the time something is due for them (a retry or their
 * deadline): one timer serves them all. A binary min-heap, because retry times do not
 * follow send order (each resolver has its own round trip, each retry backs off).
 * Every entry knows its place, so an answered lookup leaves at once in O(log n).
 */
export interface DueEntry {
  /** When it is due (performance.now() milliseconds). */
  dueAt: number;
  /** Its index in the heap, -1 when not in one. */
  heapIndex: number;
}

export class DueHeap<T extends DueEntry> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The entry due first, without taking it. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(entry: T): void {
    entry.heapIndex = this.items.length;
    this.items.push(entry);
    this.up(entry.heapIndex);
  }

  /** Take the entry due first. */
  pop(): T | undefined {
    const top = this.items[0];
    if (top) this.remove(top);
    return top;
  }

  /** Take `entry` out, wherever it is; nothing when it is not in the heap. */
  remove(entry: T): void {
    const i = entry.heapIndex;
    if (i < 0) return;
    entry.heapIndex = -1;
    const last = this.items.pop()!;
    if (last === entry) return;
    this.items[i] = last;
    last.heapIndex = i;
    this.down(i);
    this.up(last.heapIndex);
  }

  private up(i: number): void {
    const items = this.items;
    const entry = items[i]!;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = items[parentIndex]!;
      if (parent.dueAt <= entry.dueAt) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = parentIndex;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const entry = items[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && items[right]!.dueAt < items[left]!.dueAt ? right : left;
      if (items[child]!.dueAt >= entry.dueAt) break;
      items[i] = items[child]!;
      items[i]!.heapIndex = i;
      i = child;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }
}
