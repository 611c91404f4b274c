/**
 * @module errors/pubsub
 * Pub/sub API errors, built per pub/sub name (Dapr's rich-error builders for pub/sub). The
 * ErrorInfo metadata is the request's `metadata.*` map, as daprd sends it.
 */
import { DaprError } from './dapr-error';

export function pubsubErrors(pubsubName: string, metadata: Record<string, string> = {}) {
  const resource = { type: 'pubsub', name: pubsubName };
  return {
    notConfigured: () => new DaprError('ERR_PUBSUB_NOT_CONFIGURED', 'no pubsub is configured', { metadata }),
    notFound: () => new DaprError('ERR_PUBSUB_NOT_FOUND', `pubsub ${pubsubName} is not found`, { metadata }),
    nameEmpty: () => new DaprError('ERR_PUBSUB_EMPTY', 'pubsub name is empty', { metadata }),
    topicEmpty: () => new DaprError('ERR_TOPIC_NAME_EMPTY', `topic is empty in pubsub ${pubsubName}`, { metadata }),
    forbidden: (topic: string, appId: string) =>
      new DaprError('ERR_PUBSUB_FORBIDDEN', `topic ${topic} is not allowed for app id ${appId}`, { metadata: { ...metadata, topic }, resource }),
    requestMetadata: (detail: string) =>
      new DaprError('ERR_PUBSUB_REQUEST_METADATA', `failed deserializing metadata: ${detail}`, { metadata, resource }),
    cloudEvent: (detail: string, cause?: unknown) =>
      new DaprError('ERR_PUBSUB_CLOUD_EVENTS_SER', `cannot create cloudevent: ${detail}`, { cause, metadata, resource }),
    cloudEventTooDeep: (detail: string) => new DaprError('ERR_PUBSUB_CLOUD_EVENT_TOO_DEEP', `cannot create cloudevent: ${detail}`, { metadata, resource }),
    events: (detail: string, cause?: unknown) =>
      new DaprError('ERR_PUBSUB_EVENTS_SER', `error when unmarshaling the request for topic in pubsub ${pubsubName}: ${detail}`, { cause, metadata, resource }),
    publish: (topic: string, cause: unknown) => {
      const text = errText(cause);
      return new DaprError('ERR_PUBSUB_PUBLISH_MESSAGE', `error when publishing to topic ${topic} in pubsub ${pubsubName}: ${text}`, {
        cause,
        metadata: { error: text, topic },
        resource,
      });
    },
  };
}

export type PubsubErrors = ReturnType<typeof pubsubErrors>;

export function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
