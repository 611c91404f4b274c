/**
 * @module api/http/shutdown
 * POST /v1.0/shutdown: 204 at once, graceful shutdown in the background
 * (`dapr-force-shutdown: true` exits with code 1 instead).
 */
import type { Endpoint } from '../../server/endpoints';
import { respondEmpty } from '../../server/respond';

export function shutdownEndpoints(): Endpoint[] {
  return [
    {
      name: 'Shutdown',
      group: 'shutdown',
      methods: ['POST'],
      route: '/v1.0/shutdown',
      handler: ({ req, res, deps }) => {
        respondEmpty(res);
        const force = String(req.headers['dapr-force-shutdown'] ?? '').toLowerCase() === 'true';
        res.once('finish', () => deps.requestShutdown(force));
      },
    },
  ];
}
