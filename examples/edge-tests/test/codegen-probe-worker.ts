// A test-only build of the example worker: `/__edge/codegen` reports what code generation does in workerd
// and how each validator factory copes there; every other request goes to the example unchanged. (One
// worker, not two: workerd compiles each bundle at start-up.) The example itself stays free of test routes.
// Only the default export: workerd takes every named export for an entrypoint.
import worker, { type Env } from '../../edge-worker/worker.js';
import { CODEGEN_PROBE_PATH, probeCodeGeneration } from './codegen-probe.js';

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (new URL(request.url).pathname === CODEGEN_PROBE_PATH) return Response.json(probeCodeGeneration());
    return worker.fetch(request, env);
  },
};
