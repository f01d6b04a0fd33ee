// @ocpi-ts/cli as a library: the `ocpi` command, the conformance runner and the mock partner.
export { COMMANDS, run } from './cli.js';
export type { Check, CheckStatus, Outcome, Phase } from './conformance/checks.js';
export { CHECKS } from './conformance/checks.js';
export type { ConformanceOptions } from './conformance/context.js';
export { reportJunit, reportTable } from './conformance/report.js';
export { type CheckResult, type ConformanceReport, runConformance } from './conformance/runner.js';
export type { CliIo } from './io.js';
export { ExitCode } from './io.js';
export { type ActiveFault, FAULTS, type Fault, parseFault } from './mock/faults.js';
export { type MockOptions, type RunningMock, startMock } from './mock/mock.js';
export { OBJECT_TYPES, type ObjectType } from './object-types.js';
