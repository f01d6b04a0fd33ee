import { describe, it } from 'vitest';
import { describeInProcessContract } from './adapter-contract.js';

describeInProcessContract({ describe, it });
