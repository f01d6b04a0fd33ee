import { describeInProcessContract } from './adapter-contract.js';

describeInProcessContract();
