// Vitest global setup (root vitest.config.ts): the initdb template a new embedded store starts from,
// made once when `pnpm install` did not (say, --ignore-scripts). Nothing to do when it exists.
import { generateInitdbTemplate } from '../src/initdb-template.js';

export default async function setup(): Promise<void> {
  await generateInitdbTemplate();
}
