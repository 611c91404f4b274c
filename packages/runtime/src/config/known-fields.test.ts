import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIGURATION_SPEC, FREE, ListOf, unknownFieldWarnings, type Fields } from './known-fields';

interface Schema {
  properties?: Record<string, Schema>;
  items?: Schema;
  openAPIV3Schema?: Schema;
}

/** Every key the table lists exists in Dapr's CRD schema, and the other way round, at every level both describe. */
function differences(table: Fields, schema: Schema, at: string): string[] {
  const props = schema.properties ?? {};
  const out = [...Object.keys(table).filter((k) => !(k in props)).map((k) => `table only: ${at}.${k}`), ...Object.keys(props).filter((k) => !(k in table)).map((k) => `CRD only: ${at}.${k}`)];
  for (const [k, shape] of Object.entries(table)) {
    const sub = props[k];
    if (shape === FREE || !sub) continue;
    if (shape instanceof ListOf) out.push(...(sub.items?.properties ? differences(shape.item, sub.items, `${at}.${k}[]`) : []));
    else if (sub.properties) out.push(...differences(shape, sub, `${at}.${k}`));
  }
  return out;
}

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

  it('knows exactly the fields of the Configuration CRD schema shipped in packages/deploy', () => {
    const crd = parse(readFileSync(join(__dirname, '../../../deploy/schemas/dapr-crds/configuration.yaml'), 'utf8')) as { spec: { versions: Array<{ schema: Schema }> } };
    const spec = crd.spec.versions[0]?.schema.openAPIV3Schema?.properties?.spec as Schema;
    // daprd's Go struct (HandlerSpec.Version) knows a field the CRD schema does not list.
    const goOnly = ['table only: spec.httpPipeline.handlers[].version', 'table only: spec.appHttpPipeline.handlers[].version'];
    expect(differences(CONFIGURATION_SPEC, spec, 'spec').filter((d) => !goOnly.includes(d))).toEqual([]);
  });
});
