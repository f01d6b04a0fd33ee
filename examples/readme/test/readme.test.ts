// The README's code blocks are these files, verbatim, and they work as written: the CPO of "Mount it"
// serves, an eMSP registers with its token A and reads a page of its Locations.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readmeFlowProblems, runReadmeFlow } from '../../../scripts/check-packages/readme-flow.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLES = ['examples/readme/src/cpo.ts', 'examples/readme/src/emsp.ts', 'examples/readme/src/handler.test.ts'];

/** The code block that follows `<!-- file: path -->` in the README. */
function readmeBlock(path: string): string | undefined {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`<!-- file: ${path} -->`);
  if (at === -1) return undefined;
  return /```ts\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
}

describe('the README', () => {
  it.each(EXAMPLES)('shows %s verbatim', (path) => {
    expect(readmeBlock(path), `README.md has no block for ${path}, or it differs from the file`).toBe(readFileSync(join(ROOT, path), 'utf8'));
  });

  it('Mount it: a partner registers with token A and reads a page of Locations', async () => {
    const flow = await runReadmeFlow({ cwd: ROOT, cpo: 'examples/readme/src/cpo.ts', emsp: 'examples/readme/src/emsp.ts' });
    expect(readmeFlowProblems(flow)).toEqual([]);
  }, 60_000);
});
