/**
 * @module components/bindings/contract
 * The bindings contract. An output binding lists its operations and runs invoke(); an input binding
 * reads events from outside and hands each to a handler (the runtime posts it to the app). A component
 * may be both. The runtime applies `direction`, routes and retries; components only move bytes.
 */
import type { Component } from '../types';

export interface InvokeRequest {
  operation: string;
  /** `data` as daprd passes it: the JSON re-serialisation of the request's `data` field. */
  data: Buffer;
  metadata: Record<string, string>;
}

export interface InvokeResponse {
  /** Response body; undefined (with no metadata) means 204. */
  data?: Buffer;
  metadata?: Record<string, string>;
  contentType?: string;
}

export interface OutputBinding extends Component {
  operations(): readonly string[];
  /** Resolves undefined for "no result" (the API answers 204). */
  invoke(req: InvokeRequest): Promise<InvokeResponse | undefined>;
}

export interface InputEvent {
  data: Buffer;
  metadata: Record<string, string>;
}

/** Resolves with the app's response body on success; rejects when the app failed the event. */
export type InputHandler = (event: InputEvent) => Promise<Buffer | undefined>;

export interface InputBinding extends Component {
  /** Starts reading; resolves a function that stops reading (and waits for in-flight handlers). */
  read(handler: InputHandler): Promise<() => Promise<void>>;
}

export function isOutputBinding(c: Component): c is OutputBinding {
  return typeof (c as Partial<OutputBinding>).invoke === 'function' && typeof (c as Partial<OutputBinding>).operations === 'function';
}

export function isInputBinding(c: Component): c is InputBinding {
  return typeof (c as Partial<InputBinding>).read === 'function';
}
