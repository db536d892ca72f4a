/**
 * A share of work per turn of the event loop. A bulk check of a few hundred targets
 * would otherwise set all of them up in one turn: tens of milliseconds in which no
 * other command is served, no answer is read, and a fresh resolver connection cannot
 * even send its first query (its 'connect' comes only after the turn ends).
 */
export class TurnShare {
  private used = 0;
  private readonly waiting: (() => void)[] = [];
  private head = 0;

  constructor(private readonly perTurn: number) {}

  /** Undefined: go ahead in this turn. Else a promise that resolves in the turn that has room. */
  take(): Promise<void> | undefined {
    if (this.head === this.waiting.length && this.used < this.perTurn) {
      this.count();
      return undefined;
    }
    this.count(); // makes sure a next turn comes
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private count(): void {
    if (this.used++ === 0) setImmediate(() => this.nextTurn());
  }

  private nextTurn(): void {
    this.used = 0;
    while (this.head < this.waiting.length && this.used < this.perTurn) {
      const resolve = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as unknown as () => void;
      this.count();
      resolve();
    }
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    }
  }
}
