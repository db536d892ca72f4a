/**
 * The one order of severities, worst first. Everything that sorts or combines news —
 * a reply's overall colour, the order of listings, advice and embeds — reads it here, so
 * the CLI, Slack and Discord never disagree about what comes first.
 */
import type { ListType } from '../core/check/types.js';
import type { Level } from './reply.js';

/**
 * Worst first. `bad` (confirmed bad news: listed, rejected) outranks `error` (we could
 * not tell): a reply holding a listing and a failed lookup is about the listing. `info`
 * (no verdict) is worse than `ok` (good news): an answer that is partly ok and partly
 * info is info, since "all good" was not shown for every part.
 */
export const LEVELS_WORST_FIRST: readonly Level[] = ['bad', 'error', 'warn', 'info', 'ok'];

/**
 * Worst first. A block list is evidence of abuse; a reputation list grades the traffic
 * itself (graded, it can answer for good senders too); a policy list says what the
 * address is (dynamic range, no PTR), not what it sent; an allow-list hit is good news.
 */
export const LIST_TYPES_WORST_FIRST: readonly ListType[] = ['block', 'reputation', 'policy', 'allow'];

const LEVEL_RANK = new Map(LEVELS_WORST_FIRST.map((level, i) => [level, i]));
const LIST_TYPE_RANK = new Map(LIST_TYPES_WORST_FIRST.map((type, i) => [type, i]));

/** 0 for the worst level; sort ascending for worst first. */
export function levelRank(level: Level): number {
  return LEVEL_RANK.get(level)!;
}

/** 0 for the most serious list type; sort ascending for most serious first. */
export function listTypeRank(type: ListType): number {
  return LIST_TYPE_RANK.get(type)!;
}

/** The worst of some levels; `fallback` when there are none. */
export function worstLevel(levels: Iterable<Level>, fallback: Level = 'ok'): Level {
  let worst: Level | undefined;
  for (const level of levels) if (worst === undefined || levelRank(level) < levelRank(worst)) worst = level;
  return worst ?? fallback;
}

/** The more serious of two list types. */
export function worseListType(a: ListType, b: ListType): ListType {
  return listTypeRank(b) < listTypeRank(a) ? b : a;
}
