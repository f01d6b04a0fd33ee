export * from './cdr.js';
export type { Decimal } from './decimal.js';
export { priceSession } from './engine.js';
export type * from './model.js';
export * from './periods.js';
export * from './price-command.js';
export * from './receiver.js';
