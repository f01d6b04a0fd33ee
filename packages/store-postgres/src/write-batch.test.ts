import { describe, expect, it } from 'vitest';
import { Batcher } from './write-batch.js';

/** A batcher over a fake database that records the statements it is given. */
function recording(options: { failMany?: (items: string[]) => boolean; maxBatch?: number } = {}) {
  const statements: string[][] = [];
  let release: () => void = () => {};
  let gate: Promise<void> | undefined = new Promise<void>((resolve) => {
    release = resolve;
  });
  const batcher = new Batcher<string, string>(
    async (item) => {
      statements.push([item]);
      await gate;
      if (item === 'bad') throw new Error('bad row');
      return `${item}!`;
    },
    async (items) => {
      statements.push(items);
      await gate;
      if (options.failMany?.(items)) throw new Error('statement failed');
      return items.map((item) => `${item}!`);
    },
    (item) => item.split('#')[0] as string,
    { maxBatch: options.maxBatch ?? 64 },
  );
  return {
    batcher,
    statements,
    open: () => {
      gate = undefined;
      release();
    },
  };
}

describe('Batcher (group commit of the read model writes)', () => {
  it('sends the writes of one turn as one statement, then what arrived meanwhile as the next, each answered with its own result', async () => {
    const { batcher, statements, open } = recording();
    const first = ['a', 'b'].map((item) => batcher.run(item));
    await new Promise((resolve) => setImmediate(resolve));
    const next = ['c', 'd', 'e'].map((item) => batcher.run(item));
    open();
    expect(await Promise.all([...first, ...next])).toEqual(['a!', 'b!', 'c!', 'd!', 'e!']);
    expect(statements).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
  });

  it('a lone write goes alone, without waiting for others', async () => {
    const { batcher, statements, open } = recording();
    open();
    expect(await batcher.run('only')).toBe('only!');
    expect(statements).toEqual([['only']]);
  });

  it('never puts two writes of one key in one statement, and bounds the rows per statement', async () => {
    const { batcher, statements, open } = recording({ maxBatch: 2 });
    const answers = ['k#1', 'k#2', 'm', 'n'].map((item) => batcher.run(item));
    open();
    await Promise.all(answers);
    expect(statements).toEqual([
      ['k#1', 'm'],
      ['k#2', 'n'],
    ]);
  });

  it('a failed statement is done again row by row: only the bad row fails', async () => {
    const { batcher, statements, open } = recording({ failMany: (items) => items.includes('bad') });
    const answers = ['a', 'bad', 'b'].map((item) => batcher.run(item).catch((error: Error) => error.message));
    open();
    expect(await Promise.all(answers)).toEqual(['a!', 'bad row', 'b!']);
    expect(statements).toEqual([['a', 'bad', 'b'], ['a'], ['bad'], ['b']]);
  });
});
