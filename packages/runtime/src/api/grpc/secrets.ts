// owned by P2
/**
 * @module api/grpc/secrets
 * GetSecret, GetBulkSecret (stub: every RPC answers UNIMPLEMENTED until P2 lands).
 */
import type { HandlerModule } from './call';

export const handlers: HandlerModule = {};
