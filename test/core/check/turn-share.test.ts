import { expect, it } from 'vitest';
import { TurnShare } from '../../../src/core/check/turn-share.js';

const nextTurn = () => new Promise((r) => setImmediate(r));

it('lets a share through in this turn and the rest in later turns, in order, without losing any', async () => {
  const share = new TurnShare(3);
  const ran: number[] = [];
  const all = Array.from({ length: 8 }, (_, i) => {
    const wait = share.take();
    if (!wait) {
      ran.push(i);
      return Promise.resolve();
    }
    return wait.then(() => void ran.push(i));
  });
  expect(ran).toEqual([0, 1, 2]);
  await nextTurn();
  expect(ran).toEqual([0, 1, 2, 3, 4, 5]);
  await nextTurn();
  await Promise.all(all);
  expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  // A quiet turn later, the full share is there again.
  await nextTurn();
  expect([share.take(), share.take(), share.take()]).toEqual([undefined, undefined, undefined]);
  expect(share.take()).toBeInstanceOf(Promise);
});

it('never lets a newcomer overtake work already waiting for a later turn', async () => {
  const share = new TurnShare(1);
  const order: string[] = [];
  expect(share.take()).toBeUndefined();
  const waiting = share.take()!.then(() => order.push('waiting'));
  await nextTurn();
  // In the turn that started the waiting one, the share is used up: a newcomer waits.
  const newcomer = share.take();
  expect(newcomer).toBeInstanceOf(Promise);
  await Promise.all([waiting, newcomer!.then(() => order.push('newcomer'))]);
  expect(order).toEqual(['waiting', 'newcomer']);
});
