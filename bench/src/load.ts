// The load generator: one autocannon run against a server, with every answer's latency and this
// process's CPU time (so a saturated generator shows). Runs where main.ts pinned it (core 0).
import autocannon from 'autocannon';
import { median, percentile } from './stats.js';

export interface RunResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Answers that were not 2xx, and connection errors and timeouts. */
  errors: number;
  /** CPU time of this (load generator) process per second of run, 0..1 of one core. */
  clientCpu: number;
}

/** A run and the CPU time the server's processes used per answered request, in microseconds. */
export type MeasuredRun = RunResult & { cpuPerRequest: number };

/** What a table row shows of several rounds: medians, the errors summed, the busiest load generator. */
export function summarize(list: readonly MeasuredRun[]): MeasuredRun {
  return {
    requestsPerSecond: median(list.map((r) => r.requestsPerSecond)),
    cpuPerRequest: median(list.map((r) => r.cpuPerRequest)),
    p50: median(list.map((r) => r.p50)),
    p99: median(list.map((r) => r.p99)),
    errors: list.reduce((sum, r) => sum + r.errors, 0),
    clientCpu: Math.max(...list.map((r) => r.clientCpu)),
  };
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  method?: 'GET' | 'PUT' | 'PATCH' | 'POST';
  /** A new path and body for every request (writes): called with a counter that never repeats. */
  request?: (n: number) => { path: string; body: string };
  /** Throw on any error (the read benchmarks), or count them (the write benchmarks report them). */
  tolerateErrors?: boolean;
}

let sequence = 0;

export async function load(options: LoadOptions): Promise<RunResult> {
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  const make = options.request;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.seconds,
        timeout: 10,
        headers: options.headers ?? {},
        ...(options.method ? { method: options.method } : {}),
        ...(make
          ? {
              requests: [
                {
                  setupRequest: (request: autocannon.Request) => {
                    const { path, body } = make(sequence++);
                    return { ...request, path, body };
                  },
                },
              ],
            }
          : {}),
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    // Every response's time, in milliseconds with decimals (autocannon's own histogram keeps whole milliseconds).
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const errors = result.errors + result.timeouts + result.non2xx;
  if (errors > 0 && !options.tolerateErrors)
    throw new Error(`${options.url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
    clientCpu: (used.user + used.system) / 1e6 / elapsed,
  };
}
