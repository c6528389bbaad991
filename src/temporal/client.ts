import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';

/** The API's one Temporal client and its connection. */
export interface TemporalClient {
  client: Client;
  connection: Connection;
  close(): Promise<void>;
}

/**
 * How AutoHub's connections reach Temporal at `address`: with the TLS settings and API key of an
 * external server (mTLS, Temporal Cloud), plain for the embedded dev server. The API's client and
 * the worker's native connection both take these.
 */
export function temporalConnectionOptions(address: string, temporal: Config['temporal']) {
  return { address, tls: temporal.tls, apiKey: temporal.apiKey };
}

export async function connectTemporalClient(address: string, temporal: Config['temporal']): Promise<TemporalClient> {
  const connection = await Connection.connect(temporalConnectionOptions(address, temporal));
  return { client: new Client({ connection, namespace: temporal.namespace }), connection, close: () => connection.close() };
}
