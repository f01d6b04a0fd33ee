// Vitest global setup (root vitest.config.ts): the precompiled validators are generated, not committed,
// so every test run starts by bringing them up to date with the schemas.
import { writeGeneratedValidators } from './generate-validators.js';

export default function setup(): void {
  writeGeneratedValidators();
}
