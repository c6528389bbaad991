import type { RouteDefinition } from './route';
import { Readable } from 'node:stream';
import { BinaryContent, CsvContent, hasCsvAlternative, PrometheusText } from './openapi';
import { formatZodError } from './middleware/errors';

/** Thrown when a handler's answer is not what its route declares; the API answers it as a 500. */
export class ResponseContractError extends Error {
  override name = 'ResponseContractError';
}

/**
 * Checks a success answer against the schema `def` declares for its status.
 *
 * @throws ResponseContractError for an undeclared status or a body that does not match.
 */
export function checkResponse(def: RouteDefinition, status: number, body: unknown): void {
  const where = `${def.method.toUpperCase()} ${def.path}`;
  const schema = def.responses[status as keyof RouteDefinition['responses']];
  if (!schema) throw new ResponseContractError(`${where} answered ${status}, which it does not declare`);
  if (schema === BinaryContent) {
    if (!Buffer.isBuffer(body)) throw new ResponseContractError(`${where} declares bytes but answered ${typeof body}`);
    return;
  }
  if (schema === PrometheusText) {
    if (typeof body !== 'string') throw new ResponseContractError(`${where} declares Prometheus text but answered ${typeof body}`);
    return;
  }
  if (schema === CsvContent || (hasCsvAlternative(schema) && body instanceof Readable)) {
    if (!(body instanceof Readable)) throw new ResponseContractError(`${where} declares a CSV stream but answered ${typeof body}`);
    return;
  }
  const checked = schema.safeParse(body);
  if (!checked.success) throw new ResponseContractError(`${where} ${status} drifts from its schema: ${formatZodError(checked.error)}`);
}
