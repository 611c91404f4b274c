// owned by P5
/**
 * @module api/grpc/subscribe
 * SubscribeTopicEventsAlpha1 (stub: every RPC answers UNIMPLEMENTED until P5 lands).
 */
import type { HandlerModule } from './call';

export const handlers: HandlerModule = {};
