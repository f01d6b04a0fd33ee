/**
 * Validates every official OCPI 2.2.1 example (vendor/ocpi/examples/2.2.1) against the schemas, then
 * derives mutations from the examples (required field removed, enum value replaced, string one
 * character too long) and checks that each one is rejected with an issue on the mutated field; an
 * open enum's replaced value is accepted and reported (testing/example-checks.ts).
 */
import { describeExamples } from '../../testing/example-checks.js';
import { standardExamples } from '../../testing/standard-examples.js';
import * as v221 from './index.js';

describeExamples('2.2.1', standardExamples(v221), { minMutations: 500 });
