import { expect, it } from 'vitest';
import { ZoneRateLimiter } from '../../../src/core/check/rate-limit.js';

it('lets a two-second burst through at once, then holds each zone to its sustained rate', async () => {
  let now = 0;
  const limiter = new ZoneRateLimiter(100, () => now);
  const immediate = Array.from({ length: 200 }, () => limiter.take('zen.spamhaus.org'));
  expect(immediate.every((w) => w === undefined)).toBe(true);
  // the 201st must wait about 1/100 s; another zone is not affected
  expect(limiter.take('zen.spamhaus.org')).toBeInstanceOf(Promise);
  expect(limiter.take('bl.spamcop.net')).toBeUndefined();
  // one second later, about 100 tokens are back (one was already owed)
  now += 1000;
  const refilled = Array.from({ length: 99 }, () => limiter.take('zen.spamhaus.org'));
  expect(refilled.every((w) => w === undefined)).toBe(true);
  expect(limiter.take('zen.spamhaus.org')).toBeInstanceOf(Promise);
});
