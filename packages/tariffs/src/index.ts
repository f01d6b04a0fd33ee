export type { Decimal } from './decimal.js';
export { priceSession } from './engine.js';
export type * from './model.js';
