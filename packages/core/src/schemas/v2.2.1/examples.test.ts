/**
 * Validates every official OCPI 2.2.1 example (vendor/ocpi/examples/2.2.1) against the schemas, then
 * derives mutations from the examples (required field removed, enum value replaced, string one
 * character too long) and checks that each one is rejected with an issue on the mutated field; an
 * open enum's replaced value is accepted and reported (testing/example-checks.ts).
 */
import { describeExamples } from '../../testing/example-checks.js';
import { EXAMPLE_TABLES } from '../../testing/example-tables.js';

describeExamples('2.2.1', EXAMPLE_TABLES['2.2.1'], { minMutations: 500 });
