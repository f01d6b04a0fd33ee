// Issue 16, item 1, in process (the adapters run the same cases over real HTTP, in their contract suite).
import { describe, it } from 'vitest';
import { createHubRelayNode, runHubRelay, sendInProcess } from '../testing/hub-relay-cases.js';

describe('a platform behind a hub (issue 16)', () => {
  it('takes pushes relayed by a hub on every client-owned route for the parties it serves, and refuses any other party the same way', async () => {
    const node = await createHubRelayNode();
    await runHubRelay(sendInProcess(node.server), node);
  });
});
