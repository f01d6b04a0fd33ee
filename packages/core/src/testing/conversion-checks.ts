/**
 * How a round trip through another version is judged (edges/conversion.test.ts, the CLI's `convert`
 * tests): where the object came back different, and whether a reported loss explains each difference.
 */
import type { Loss } from '../edges/convert.js';

type Json = Record<string, unknown>;

/** Pointers where two JSON values differ (a missing field is a difference at its pointer). */
export function differences(a: unknown, b: unknown, pointer = ''): string[] {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return a === b ? [] : [pointer];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) => differences((a as Json)[key], (b as Json)[key], `${pointer}/${key}`));
}

/**
 * A difference is explained by a loss on the same field, on a field it is part of, or on a part of it;
 * an item left out of a list explains the differences of the items after it (they moved up).
 */
export const covered = (difference: string, losses: readonly Loss[]) =>
  losses.some((loss) => {
    if (difference === loss.pointer || difference.startsWith(`${loss.pointer}/`) || loss.pointer.startsWith(`${difference}/`)) return true;
    const item = /^(.*)\/([0-9]+)$/.exec(loss.pointer);
    const moved = item && new RegExp(`^${item[1]?.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([0-9]+)(/|$)`).exec(difference);
    return loss.kind === 'dropped' && !!item && !!moved && Number(moved[1]) >= Number(item[2]);
  });
