import { createHttpMetrics } from './metrics';

describe('createHttpMetrics', () => {
  it('counts requests and latency per method and status with Dapr names', async () => {
    const m = createHttpMetrics('nodeapp', false);
    m.observe('GET', 200, 0.002);
    m.observe('GET', 200, 0.004);
    m.observe('POST', 500, 0.001);
    const text = await m.registry.metrics();
    expect(text).toContain('dapr_http_server_request_count{method="GET",path="",status="200",app_id="nodeapp"} 2');
    expect(text).toContain('dapr_http_server_request_count{method="POST",path="",status="500",app_id="nodeapp"} 1');
    expect(text).toMatch(/dapr_http_server_latency_sum\{.*status="200".*\} 6/);
    expect(text).toMatch(/dapr_http_server_latency_bucket\{le="2",.*status="200"\} 1/);
  });
});
