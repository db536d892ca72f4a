import { expect, it } from 'vitest';
import { LookupSlots } from '../../../src/core/check/lookup-slots.js';

it('never runs more tasks at once than the cap, starts waiting tasks in order, and frees slots on failure', async () => {
  const slots = new LookupSlots(3);
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const task = (i: number) => async () => {
    started.push(i);
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 2 + (i % 3)));
    running--;
    if (i % 4 === 0) throw new Error(`task ${i} failed`);
    return i;
  };
  const results = await Promise.allSettled(Array.from({ length: 2000 }, (_, i) => slots.run(task(i))));
  expect(most).toBe(3);
  expect(started).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  expect(results.filter((r) => r.status === 'rejected')).toHaveLength(500);
  expect(results[1]).toEqual({ status: 'fulfilled', value: 1 });
});

it('hands out slots without waiting while some are free, then queues tasks until one is released', async () => {
  const slots = new LookupSlots(2);
  expect(slots.tryAcquire()).toBe(true);
  expect(slots.tryAcquire()).toBe(true);
  expect(slots.tryAcquire()).toBe(false);
  const order: string[] = [];
  const first = slots.whenFree(async () => void order.push('first'));
  const second = slots.whenFree(async () => void order.push('second'));
  await new Promise((r) => setTimeout(r, 10));
  expect(order).toEqual([]); // both wait: the cap is taken
  slots.release();
  await first;
  expect(order).toEqual(['first']);
  slots.release();
  await second;
  expect(order).toEqual(['first', 'second']);
  // Two slots are held again (by the queued tasks, which did not release): none is free.
  expect(slots.tryAcquire()).toBe(false);
  slots.release();
  expect(slots.tryAcquire()).toBe(true);
});

it('starts queued tasks with a slot taken, in order, as slots are released', async () => {
  const slots = new LookupSlots(1);
  const order: number[] = [];
  const task = (i: number) => async () => {
    order.push(i);
    await new Promise((r) => setTimeout(r, 1));
    slots.release();
    return i;
  };
  const results = await Promise.all([1, 2, 3, 4].map((i) => slots.whenFree(task(i))));
  expect(results).toEqual([1, 2, 3, 4]);
  expect(order).toEqual([1, 2, 3, 4]);
  // Every slot came back: one is free again, and only one.
  expect(slots.tryAcquire()).toBe(true);
  expect(slots.tryAcquire()).toBe(false);
});

it('starts jobs at once while slots are free, then hands each released slot to the next job in order', () => {
  const slots = new LookupSlots(2);
  const started: number[] = [];
  const job = (i: number) => ({ start: () => void started.push(i) });
  for (let i = 1; i <= 5; i++) slots.start(job(i));
  expect(started).toEqual([1, 2]); // synchronously, no promise in between
  slots.release();
  expect(started).toEqual([1, 2, 3]); // the slot went straight to the next job
  slots.release();
  slots.release();
  expect(started).toEqual([1, 2, 3, 4, 5]);
  // Jobs 4 and 5 hold both slots; two more releases free them, and only two.
  slots.release();
  slots.release();
  expect(slots.tryAcquire()).toBe(true);
  expect(slots.tryAcquire()).toBe(true);
  expect(slots.tryAcquire()).toBe(false);
});

it('starts only a share of new jobs per event-loop turn, the rest in the next turns, in order', async () => {
  const slots = new LookupSlots(100, 30);
  const started: number[] = [];
  for (let i = 0; i < 80; i++) slots.start({ start: () => void started.push(i) });
  expect(started).toHaveLength(30); // this turn's share
  await new Promise((r) => setImmediate(r));
  expect(started).toHaveLength(60);
  await new Promise((r) => setImmediate(r));
  expect(started).toEqual(Array.from({ length: 80 }, (_, i) => i));
  // A new turn has a full share again; slots, not the share, limit what starts.
  await new Promise((r) => setImmediate(r));
  for (let i = 80; i < 110; i++) slots.start({ start: () => void started.push(i) });
  expect(started).toHaveLength(100); // 20 slots were left
  for (let i = 0; i < 10; i++) slots.release();
  expect(started).toHaveLength(110);
});
