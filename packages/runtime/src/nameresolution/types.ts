/**
 * @module nameresolution/types
 * Name resolution is pluggable: a resolver turns an app id into the address of that app's sidecar
 * internal (sidecar-to-sidecar) port.
 */
export interface SidecarAddress {
  host: string;
  port: number;
}

export interface NameResolver {
  readonly name: string;
  /** undefined when the app id is unknown. */
  resolve(appId: string, namespace?: string): Promise<SidecarAddress | undefined>;
  /** Forget any cached answer for the app (called after a connection failure). */
  invalidate(appId: string): void;
}
