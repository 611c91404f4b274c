import { parsePrometheus } from './prometheus';
import { pointBetween, quantile, totalsOf } from './request-stats';

const scrape = (ok: number, failed: number, buckets: Array<[string, number]>): string =>
  [
    `dapr_http_server_request_count{method="GET",path="",status="200"} ${ok}`,
    `dapr_http_server_request_count{method="POST",path="",status="500"} ${failed}`,
    ...buckets.map(([le, n]) => `dapr_http_server_latency_bucket{method="GET",path="",status="200",le="${le}"} ${n}`),
  ].join('\n');

it('computes rps, error rate and latency quantiles from two scrapes', () => {
  const a = totalsOf(parsePrometheus(scrape(10, 0, [['5', 10], ['10', 10], ['+Inf', 10]])), 1000);
  const b = totalsOf(parsePrometheus(scrape(28, 2, [['5', 20], ['10', 28], ['+Inf', 30]])), 3000);
  expect(pointBetween(a, b)).toEqual({ t: 3000, rps: 10, errorRate: 0.1, p50Ms: 5, p95Ms: 10 });
});

it('skips a point when the counters reset', () => {
  const a = totalsOf(parsePrometheus(scrape(10, 0, [])), 1000);
  const b = totalsOf(parsePrometheus(scrape(1, 0, [])), 2000);
  expect(pointBetween(a, b)).toBeUndefined();
});

it('interpolates inside a bucket and handles empty histograms', () => {
  expect(quantile(0.5, [[10, 0], [20, 10], [Infinity, 10]])).toBe(15);
  expect(quantile(0.5, [])).toBe(0);
  expect(quantile(0.99, [[10, 1], [Infinity, 100]])).toBe(10);
});
