import { parsePrometheus } from './prometheus';

it('parses samples with labels, escapes and special values', () => {
  const text = [
    '# HELP dapr_http_server_request_count Number of HTTP requests',
    '# TYPE dapr_http_server_request_count counter',
    'dapr_http_server_request_count{method="GET",path="",status="200",app_id="a"} 3',
    'dapr_http_server_latency_bucket{le="+Inf",status="500",note="x\\"y"} 7 1700000000000',
    'process_cpu_seconds_total 0.5',
    'garbage line here {',
    '',
  ].join('\n');
  expect(parsePrometheus(text)).toEqual([
    { name: 'dapr_http_server_request_count', labels: { method: 'GET', path: '', status: '200', app_id: 'a' }, value: 3 },
    { name: 'dapr_http_server_latency_bucket', labels: { le: '+Inf', status: '500', note: 'x"y' }, value: 7 },
    { name: 'process_cpu_seconds_total', labels: {}, value: 0.5 },
  ]);
});
