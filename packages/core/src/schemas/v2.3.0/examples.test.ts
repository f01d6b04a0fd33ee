/**
 * Every official OCPI 2.3.0 example (vendor/ocpi/examples/2.3.0, Payments included) and every Bookings
 * module example (vendor/ocpi/examples/2.3.0-bookings) against the 2.3.0 schemas, and mutations of them
 * (testing/example-checks.ts).
 */
import { describeExamples } from '../../testing/example-checks.js';
import { EXAMPLE_TABLES } from '../../testing/example-tables.js';

describeExamples('2.3.0', EXAMPLE_TABLES['2.3.0'], { minMutations: 600 });
describeExamples('2.3.0-bookings', EXAMPLE_TABLES['2.3.0-bookings'], { minMutations: 4 });
