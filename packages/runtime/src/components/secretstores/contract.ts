/**
 * @module components/secretstores/contract
 * The secret store contract: one secret is a map of string values (one entry for flat stores), bulk
 * returns every secret by name. A missing secret rejects with SecretNotFoundError.
 */
import type { Component } from '../types';

export type Secret = Record<string, string>;

export interface SecretStore extends Component {
  getSecret(name: string, metadata?: Record<string, string>): Promise<Secret>;
  bulkGetSecret(metadata?: Record<string, string>): Promise<Record<string, Secret>>;
}

export class SecretNotFoundError extends Error {
  constructor(readonly secretName: string) {
    super(`secret ${secretName} not found`);
    this.name = 'SecretNotFoundError';
  }
}
