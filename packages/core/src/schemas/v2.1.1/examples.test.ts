/**
 * Every official OCPI 2.1.1 example (the code blocks of the chapters, vendor/ocpi/examples/2.1.1; how a
 * block is read: testing/example-checks.ts) against the 2.1.1 schemas, and mutations of them.
 */
import { describeExamples } from '../../testing/example-checks.js';
import { EXAMPLE_TABLES } from '../../testing/example-tables.js';

describeExamples('2.1.1', EXAMPLE_TABLES['2.1.1'], { minMutations: 300 });
