/**
 * @module api/http/healthz
 * GET /v1.0/healthz (inbound: app port open) and /v1.0/healthz/outbound (components loaded).
 */
import { commonErrors } from '../../errors/common';
import type { Endpoint } from '../../server/endpoints';
import { queryParam } from '../../server/endpoints';
import { respondEmpty } from '../../server/respond';

export function healthzEndpoints(): Endpoint[] {
  return [
    {
      name: 'Healthz',
      group: 'healthz',
      methods: ['GET'],
      route: '/v1.0/healthz',
      handler: ({ res, rawQuery, deps }) => {
        const appId = queryParam(rawQuery, 'appid');
        if (appId !== undefined && appId !== deps.options.appId) throw commonErrors.appIdNotMatch();
        if (!deps.health.ready) throw commonErrors.healthNotReady(deps.health.outboundReady ? ['app'] : ['runtime']);
        respondEmpty(res);
      },
    },
    {
      name: 'HealthzOutbound',
      group: 'healthz',
      methods: ['GET'],
      route: '/v1.0/healthz/outbound',
      handler: ({ res, deps }) => {
        if (!deps.health.outboundReady) throw commonErrors.outboundNotReady();
        respondEmpty(res);
      },
    },
  ];
}
