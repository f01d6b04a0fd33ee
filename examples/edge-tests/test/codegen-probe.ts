// What code generation and the validator factories do in the runtime this runs in: the same function
// runs in workerd (codegen-probe-worker.ts) and in Node (edge.test.ts).
import { canGenerateCode, createAjvValidatorFactory, createAutoValidatorFactory, formatIssues, Location, type ValidationResult } from '@ocpi-ts/core';
import { Type } from '@sinclair/typebox';

/** Where the test-only worker build answers with the probe. */
export const CODEGEN_PROBE_PATH = '/__edge/codegen';

export interface CodeGenerationProbe {
  newFunction: string;
  canGenerateCode: boolean;
  ajvFactory: string;
  autoFactoryOnLocation: string;
  autoFactoryOnCustomSchema: string;
}

/** Runs `run`, its outcome as text. ajv logs the code it failed to compile: kept out of the test output. */
function attempt(run: () => string | number): string {
  const logError = console.error;
  console.error = () => {};
  try {
    return `ok: ${run()}`;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  } finally {
    console.error = logError;
  }
}

const outcome = (result: ValidationResult<unknown>): string => (result.ok ? 'valid' : formatIssues(result.issues));

export function probeCodeGeneration(): CodeGenerationProbe {
  const badLocation = { country_code: 'NL', party_id: 'EDG', id: 'X', publish: 'yes' };
  const Reservation = Type.Object({ reservation_id: Type.String() }, { title: 'Reservation' });
  return {
    newFunction: attempt(() => new Function('return 42')()),
    canGenerateCode: canGenerateCode(),
    ajvFactory: attempt(() => outcome(createAjvValidatorFactory().compile(Location).validate(badLocation))),
    autoFactoryOnLocation: attempt(() => outcome(createAutoValidatorFactory().compile(Location).validate(badLocation))),
    autoFactoryOnCustomSchema: attempt(() => outcome(createAutoValidatorFactory().compile(Reservation).validate({ reservation_id: 7 }))),
  };
}
