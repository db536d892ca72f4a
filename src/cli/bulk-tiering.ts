/**
 * JIT tiering for a bulk check. A check of many addresses is a process of half a second or
 * so, mostly DNS round trips and their bookkeeping. V8's default tiering optimises a
 * function after about 66 KB of its bytecode has run (tuned for pages and servers that run
 * for hours): in that half second TurboFan compiles about a hundred functions on a second
 * thread, which a 2-core machine also needs for its resolver, and most of that code is
 * done before the compiled version pays back. A budget 7.5× larger made a 100-address
 * check 9% faster (0.55 → 0.50 s behind dnsmasq) and left 1-address and 1,000-address
 * checks as fast (issue 17, `npm run bench resolvers`); hot code still gets optimised,
 * later.
 *
 * Only for checks of this many addresses or more: loading node:v8 costs 3–4 ms, which a
 * one-address check (about 150 ms) would not win back. The bot keeps V8's defaults.
 */
export const BULK_ADDRESSES = 10;

const BULK_INTERRUPT_BUDGET = 500_000;

let tuned = false;

/** Before the first lookup of a check of `addresses` addresses. */
export async function tuneTieringFor(addresses: number): Promise<void> {
  if (tuned || addresses < BULK_ADDRESSES) return;
  tuned = true;
  // Functions take the budget in force when they first gather type feedback: the lookup
  // code has not run yet at this point.
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString(`--interrupt-budget=${BULK_INTERRUPT_BUDGET}`);
}
