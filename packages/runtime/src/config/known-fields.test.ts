import { unknownFieldWarnings } from './known-fields';

describe('unknownFieldWarnings', () => {
  it('accepts every documented Configuration field', () => {
    const doc = {
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Configuration',
      metadata: { name: 'c', anything: 1 },
      spec: {
        tracing: { samplingRate: '1', stdout: true, zipkin: { endpointAddress: 'x' }, otel: { endpointAddress: 'x', protocol: 'grpc', isSecure: false, headers: [], timeout: '10s' } },
        metrics: { enabled: true, recordErrorCodes: false, latencyDistributionBuckets: [1], http: { increasedCardinality: false, pathMatching: [], excludeVerbs: false }, rules: [{ name: 'r', labels: [{ name: 'path', regex: { a: 'b' } }] }] },
        metric: { enabled: true },
        httpPipeline: { handlers: [{ name: 'u', type: 'middleware.http.uppercase', version: 'v1' }] },
        appHttpPipeline: { handlers: [] },
        accessControl: { defaultAction: 'deny', trustDomain: 'public', policies: [{ appId: 'a', defaultAction: 'deny', trustDomain: 'public', namespace: 'default', operations: [{ name: '/x', httpVerb: ['GET'], action: 'allow' }] }] },
        secrets: { scopes: [{ storeName: 's', defaultAccess: 'allow', allowedSecrets: [], deniedSecrets: [] }] },
        api: { allowed: [{ name: 'state', version: 'v1', protocol: 'http' }], denied: [] },
        nameResolution: { component: 'mdns', version: 'v1', configuration: { free: { form: true } } },
        features: [{ name: 'F', enabled: true }],
        logging: { apiLogging: { enabled: false, obfuscateURLs: false, omitHealthChecks: false } },
        components: { deny: ['bindings.smtp'] },
        mtls: { enabled: true, workloadCertTTL: '24h', allowedClockSkew: '15m', sentryAddress: 'x', controlPlaneTrustDomain: 'cluster.local', tokenValidators: [{ name: 'jwks', options: { a: 1 } }] },
        wasm: { strictSandbox: true },
        workflow: { maxConcurrentWorkflowInvocations: 1 },
      },
    };
    expect(unknownFieldWarnings(doc, 'cfg.yaml')).toEqual([]);
  });

  it('names the file, the field and the closest known name, at every depth', () => {
    const doc = {
      spec: {
        accesControl: {},
        accessControl: { defaultActon: 'deny', policies: [{ appid: 'a', operations: [{ name: '/x', verb: 'GET' }] }] },
        mtls: { enable: true },
        zzz: 1,
      },
    };
    expect(unknownFieldWarnings(doc, 'cfg.yaml')).toEqual([
      'cfg.yaml: unknown Configuration field "spec.accesControl" is ignored; did you mean "spec.accessControl"?',
      'cfg.yaml: unknown Configuration field "spec.accessControl.defaultActon" is ignored; did you mean "spec.accessControl.defaultAction"?',
      'cfg.yaml: unknown Configuration field "spec.accessControl.policies[0].appid" is ignored; did you mean "spec.accessControl.policies[0].appId"?',
      'cfg.yaml: unknown Configuration field "spec.accessControl.policies[0].operations[0].verb" is ignored; known fields here: name, httpVerb, action',
      'cfg.yaml: unknown Configuration field "spec.mtls.enable" is ignored; did you mean "spec.mtls.enabled"?',
      expect.stringMatching(/^cfg\.yaml: unknown Configuration field "spec\.zzz" is ignored; known fields here: httpPipeline, .*accessControl/),
    ]);
  });
});
