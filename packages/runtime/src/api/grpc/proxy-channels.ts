/**
 * @module api/grpc/proxy-channels
 * The outbound channels of gRPC proxying (api/grpc/proxy), one per target and kept for the
 * runtime's life: the app's own gRPC server (TLS without verification for grpcs, as daprd) and
 * the target sidecars' internal ports (mTLS with the callee's SPIFFE ID checked, h2c otherwise).
 * A channel built on a certificate that has since been renewed is replaced; the old one is
 * retired, not closed, since streams on it may still run.
 */
import { ChannelCredentials, Client, credentials, status } from '@grpc/grpc-js';
import type { RuntimeContext } from '../../lifecycle/context';
import { DEFAULT_TRUST_DOMAIN } from '../../security/peer-identity';
import { parseSpiffeId, spiffeIdFromSan, spiffeIdString } from '../../security/spiffe';
import { ProxyRefusal } from './proxy-relay';

export interface ProxyChannels {
  /** The app's own gRPC server. */
  app(): Client;
  /** The target sidecar's internal port. */
  peer(host: string, port: number, appId: string, namespace: string): Client;
  /** Closes every channel, retired ones included. */
  closeAll(): void;
}

export function createProxyChannels(ctx: RuntimeContext): ProxyChannels {
  const { options } = ctx;
  const channelOptions = {
    'grpc.max_receive_message_length': options.maxBodySize,
    'grpc.max_send_message_length': options.maxBodySize,
  };
  const clients = new Map<string, { client: Client; stamp: unknown }>();
  /** Channels replaced after a certificate renewal: streams on them may still run, closed at stop. */
  const retired: Client[] = [];

  const clientFor = (key: string, stamp: unknown, make: () => Client): Client => {
    const hit = clients.get(key);
    if (hit && hit.stamp === stamp) return hit.client;
    if (hit) retired.push(hit.client);
    const client = make();
    clients.set(key, { client, stamp });
    return client;
  };

  /** The app's own gRPC server (TLS without verification for grpcs, as daprd). */
  const appClient = (): Client => {
    if (!options.appPort) throw new ProxyRefusal(status.UNAVAILABLE, 'failed to proxy request: app channel is not initialized: the sidecar was started without --app-port');
    const secure = options.appProtocol === 'grpcs' || options.appProtocol === 'https';
    const target = `${bracket(options.appChannelAddress)}:${options.appPort}`;
    return clientFor(`app|${target}`, secure, () =>
      new Client(target, secure ? credentials.createSsl(null, null, null, { rejectUnauthorized: false }) : credentials.createInsecure(), channelOptions),
    );
  };

  /** The target sidecar's internal port: mTLS with the callee's SPIFFE ID checked, or h2c. */
  const peerClient = (host: string, port: number, appId: string, namespace: string): Client => {
    const target = `${bracket(host)}:${port}`;
    const mtls = ctx.mtls;
    if (!mtls) return clientFor(`peer|${target}`, undefined, () => new Client(target, credentials.createInsecure(), channelOptions));
    const cert = mtls.current();
    const trustDomain = parseSpiffeId(mtls.spiffeId)?.trustDomain ?? DEFAULT_TRUST_DOMAIN;
    const expected = spiffeIdString({ trustDomain, namespace, appId });
    return clientFor(`peer|${target}|${expected}`, cert, () => {
      const creds: ChannelCredentials = credentials.createSsl(Buffer.from(cert.trustAnchors), Buffer.from(cert.keyPem), Buffer.from(cert.certChainPem), {
        checkServerIdentity: (_host, peerCert) => {
          const got = spiffeIdFromSan(peerCert.subjectaltname);
          if (got && spiffeIdString(got) === expected) return undefined;
          return new Error(`the peer presented identity ${got ? spiffeIdString(got) : '(none)'}, expected ${expected}`);
        },
      });
      // SNI carries no meaning here (the callee is checked by its SPIFFE ID); never send an IP as SNI.
      return new Client(target, creds, { ...channelOptions, 'grpc.ssl_target_name_override': `${appId}.dapr` });
    });
  };

  return {
    app: appClient,
    peer: peerClient,
    closeAll() {
      for (const { client } of clients.values()) client.close();
      for (const client of retired.splice(0)) client.close();
      clients.clear();
    },
  };
}

function bracket(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
