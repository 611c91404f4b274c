/**
 * @module pubsub/declarative
 * `kind: Subscription` resources from the resources paths (dapr.io/v1alpha1 with `spec.route`,
 * dapr.io/v2alpha1 with `spec.routes`). Scopes were already applied by the loader. Any invalid
 * document fails start-up with a ConfigError naming the file and the field.
 */
import type { RawResource } from '../components/loader';
import { ConfigError } from '../errors/startup';
import { buildSubscription, isRawRecord, subscriptionFields, SubscriptionError, type Subscription } from './subscriptions';

export const SUBSCRIPTION_API_VERSIONS = ['dapr.io/v1alpha1', 'dapr.io/v2alpha1'] as const;

export function parseDeclarative(resources: readonly RawResource[]): Subscription[] {
  const issues: string[] = [];
  const out: Subscription[] = [];
  for (const res of resources) {
    if (res.kind !== 'Subscription') continue;
    const source = `${res.file}: subscription "${res.name}"`;
    try {
      const apiVersion = res.doc.apiVersion;
      if (typeof apiVersion !== 'string' || !(SUBSCRIPTION_API_VERSIONS as readonly string[]).includes(apiVersion)) {
        throw new SubscriptionError(source, 'apiVersion', `must be one of ${SUBSCRIPTION_API_VERSIONS.join(', ')}, got ${JSON.stringify(apiVersion ?? null)}`);
      }
      const spec = res.doc.spec;
      if (!isRawRecord(spec)) throw new SubscriptionError(source, 'spec', 'is required');
      // daprd decodes the YAML through JSON into Go structs, so spec field names are case-insensitive there too.
      const fields = subscriptionFields(spec);
      if (apiVersion === 'dapr.io/v1alpha1' && fields.routes !== undefined) throw new SubscriptionError(source, 'spec.routes', 'needs apiVersion dapr.io/v2alpha1 (v1alpha1 uses spec.route)');
      const sub = buildSubscription(fields, 'DECLARATIVE', source, 'spec.');
      if (!sub) throw new SubscriptionError(source, apiVersion === 'dapr.io/v1alpha1' ? 'spec.route' : 'spec.routes', 'is required (no route to deliver to)');
      out.push(sub);
    } catch (err) {
      if (err instanceof SubscriptionError) issues.push(err.message);
      else throw err;
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return out;
}
