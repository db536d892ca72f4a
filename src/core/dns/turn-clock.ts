/**
 * The time, read once per turn of the event loop: the lookups of one turn share their
 * send time and deadline, and performance.now costs microseconds per call until the JIT
 * has warmed up — a CLI run is over before it has.
 */
let thisTurn = -1;

function nextTurn(): void {
  thisTurn = -1;
}

/**
 * performance.now() of this turn in whole milliseconds, rounded up so that no deadline
 * comes early: a small integer is stored in every waiting lookup without a heap number each.
 */
export function turnNow(): number {
  if (thisTurn < 0) {
    thisTurn = Math.ceil(performance.now());
    setImmediate(nextTurn);
  }
  return thisTurn;
}
