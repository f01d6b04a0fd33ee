import type { ValidationIssue, Validator } from './validator.js';

export interface InvalidItem {
  /** Position of the item in the input list. */
  index: number;
  /** The item as received. */
  value: unknown;
  issues: ValidationIssue[];
}

/**
 * Splits a list received from a partner into the items that validate and the ones that do not
 * (transport_and_format "GET": when a list contains some correct and some invalid objects, the
 * client should at least process the correct ones). Valid items are returned as they are, unknown
 * properties included, in their original order.
 */
export function partitionValid<T>(validator: Validator<T>, items: readonly unknown[]): { valid: T[]; invalid: InvalidItem[] } {
  const valid: T[] = [];
  const invalid: InvalidItem[] = [];
  items.forEach((item, index) => {
    const result = validator.validate(item);
    if (result.ok) valid.push(result.value);
    else invalid.push({ index, value: item, issues: result.issues });
  });
  return { valid, invalid };
}
