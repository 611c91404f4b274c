/**
 * @module security/mtls
 * mTLS between sidecars: holds this sidecar's workload certificate, renews it before expiry, and
 * hands out what the sidecar-to-sidecar server and the outbound peer agent need. The server accepts
 * only peers whose certificate chains to the trust anchors; the client accepts only the callee it
 * meant to call (its SPIFFE ID), never just any certificate of the trust root.
 */
import https from 'node:https';
import type { PeerCertificate, SecureContextOptions } from 'node:tls';
import type { Logger } from '../components/types';
import { spiffeIdFromSan, spiffeIdString, type SpiffeId } from './spiffe';
import { RENEW_RETRY_MS, renewDelayMs, type WorkloadCert, type WorkloadCertSource } from './workload-cert';

export interface MtlsSettings {
  identity: SpiffeId;
  workloadCertTtlMs: number;
  allowedClockSkewMs: number;
  source: WorkloadCertSource;
  logger: Logger;
}

/** The TLS part of a request to a peer sidecar. */
export interface PeerTls {
  agent: https.Agent;
  checkServerIdentity(host: string, cert: PeerCertificate): Error | undefined;
}

export interface Mtls {
  readonly spiffeId: string;
  /** Options for https.createServer on the sidecar-to-sidecar port. */
  serverOptions(): https.ServerOptions;
  /** Servers to hand renewed certificates to. */
  track(servers: readonly https.Server[]): void;
  /** Agent and callee check for a call to `appId` in `namespace`. */
  peer(appId: string, namespace: string): PeerTls;
  current(): WorkloadCert;
  close(): void;
}

const AGENT_OPTIONS: https.AgentOptions = { keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256, timeout: 30000, scheduling: 'lifo' };

function contextOptions(c: WorkloadCert): SecureContextOptions {
  return { key: c.keyPem, cert: c.certChainPem, ca: c.trustAnchors, minVersion: 'TLSv1.2' };
}

export async function startMtls(s: MtlsSettings): Promise<Mtls> {
  let cert = await s.source(s.identity, s.workloadCertTtlMs, s.allowedClockSkewMs);
  let issuedAt = new Date();
  // One pool per callee identity: a socket verified as app A must never carry a call meant for app B.
  let agents = new Map<string, https.Agent>();
  const servers: https.Server[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  s.logger.info(`mTLS enabled: workload certificate ${cert.spiffeId} valid until ${cert.notAfter.toISOString()}`);

  const schedule = (delay: number) => {
    if (closed) return;
    timer = setTimeout(() => void renew(), delay);
    timer.unref();
  };
  const renew = async () => {
    try {
      const next = await s.source(s.identity, s.workloadCertTtlMs, s.allowedClockSkewMs);
      if (closed) return;
      cert = next;
      issuedAt = new Date();
      // New calls get new pools; in-flight calls on the old ones finish, idle sockets time out (30 s).
      agents = new Map();
      for (const srv of servers) srv.setSecureContext({ ...contextOptions(cert) });
      s.logger.info(`renewed workload certificate ${cert.spiffeId}, valid until ${cert.notAfter.toISOString()}`);
      schedule(renewDelayMs(cert, issuedAt));
    } catch (err) {
      const left = cert.notAfter.getTime() - Date.now();
      s.logger.error({ err }, `renewing the workload certificate failed; the current one expires ${cert.notAfter.toISOString()}`);
      schedule(Math.max(1000, Math.min(RENEW_RETRY_MS, left / 2)));
    }
  };
  schedule(renewDelayMs(cert, issuedAt));

  return {
    spiffeId: cert.spiffeId,
    serverOptions: () => ({ ...contextOptions(cert), requestCert: true, rejectUnauthorized: true }),
    track(list) {
      servers.push(...list);
    },
    peer(appId, namespace) {
      const expected = spiffeIdString({ trustDomain: s.identity.trustDomain, namespace, appId });
      let agent = agents.get(expected);
      if (!agent) {
        agent = new https.Agent({ ...AGENT_OPTIONS, ...contextOptions(cert), rejectUnauthorized: true });
        agents.set(expected, agent);
      }
      return {
        agent,
        checkServerIdentity: (_host, peerCert) => {
          const got = spiffeIdFromSan(peerCert.subjectaltname);
          if (got && spiffeIdString(got) === expected) return undefined;
          const err = new Error(`the peer presented identity ${got ? spiffeIdString(got) : '(none)'}, expected ${expected}`);
          (err as NodeJS.ErrnoException).code = 'ERR_MTLS_PEER_IDENTITY';
          return err;
        },
      };
    },
    current: () => cert,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      agents.forEach((a) => a.destroy());
    },
  };
}
