import { describeOrderedWrites } from '../testing/ordered-writes.js';
import { describeUnstorableInput } from '../testing/unstorable-input.js';
import { describeStoreContract } from './contract.js';
import { createMemoryStore } from './memory.js';

describeStoreContract('memory', async () => createMemoryStore());
describeOrderedWrites('memory', async () => createMemoryStore());
describeUnstorableInput('memory', async () => createMemoryStore());
