/**
 * The part of autocannon (https://github.com/mcollina/autocannon, no types of its own) that the
 * HTTP benchmark uses, typed here at the boundary so the rest of the harness stays strictly typed.
 * Field names follow autocannon 9's README ("Results", "Customizing sent requests").
 */
declare module 'autocannon' {
  /** hdr-histogram-percentiles-obj: per-second samples (requests, throughput) or per-request latency in ms */
  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
  }

  interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    requests: Histogram & { sent: number };
    latency: Histogram;
    throughput: Histogram;
    statusCodeStats?: Record<string, { count: number }>;
  }

  interface RequestSpec {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    /** returns the request to send; autocannon calls it before every request */
    setupRequest?: (request: RequestSpec, context: Record<string, unknown>) => RequestSpec;
  }

  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    timeout?: number;
    headers?: Record<string, string>;
    requests?: RequestSpec[];
  }

  interface Instance {
    stop(): void;
  }

  function autocannon(options: Options, done: (error: Error | null, result: Result) => void): Instance;
  export default autocannon;
  export type { Histogram, Options, RequestSpec, Result };
}
