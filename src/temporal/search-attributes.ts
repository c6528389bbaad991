/**
 * The custom search attributes AutoHub sets on every workflow and schedule it starts, so that
 * operators can filter the Temporal UI by user, account and kind of work
 * (`AutoHubAccountId = "…" AND AutoHubKind = "broadcast"`).
 */
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes, type SearchAttributePair } from '@temporalio/common';
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const AutoHubUserId = defineSearchAttributeKey('AutoHubUserId', SearchAttributeType.KEYWORD);
export const AutoHubAccountId = defineSearchAttributeKey('AutoHubAccountId', SearchAttributeType.KEYWORD);
export const AutoHubKind = defineSearchAttributeKey('AutoHubKind', SearchAttributeType.KEYWORD);

/** Every custom search attribute, by name: all keywords. */
export const SEARCH_ATTRIBUTE_NAMES = [AutoHubUserId.name, AutoHubAccountId.name, AutoHubKind.name] as const;

/** What a workflow (or schedule) is for, as `AutoHubKind` says it. */
export type WorkflowKind = 'broadcast' | 'broadcast_dry_run' | 'schedule' | 'scan' | 'login' | 'logout' | 'profile' | 'inbound' | 'moderation' | 'ab_test' | 'drip' | 'webhook' | 'inbound_webhook';

/** Who and what a workflow is for: the facts its memo and search attributes carry. */
export interface WorkflowOwner {
  userId: string;
  /** Null for work that belongs to no account. */
  accountId: string | null;
}

/** The typed search attributes of a workflow of `kind` for `owner`. */
export function searchAttributesFor(kind: WorkflowKind, owner: WorkflowOwner): TypedSearchAttributes {
  const pairs: SearchAttributePair[] = [
    { key: AutoHubUserId, value: owner.userId },
    { key: AutoHubKind, value: kind },
  ];
  if (owner.accountId) pairs.push({ key: AutoHubAccountId, value: owner.accountId });
  return new TypedSearchAttributes(pairs);
}

/**
 * The search attributes as JSON-safe pairs, for a workflow start kept in the outbox until it is
 * dispatched; {@link fromStoredSearchAttributes} turns them back.
 */
export function storedSearchAttributes(kind: WorkflowKind, owner: WorkflowOwner): Record<string, string> {
  return {
    [AutoHubUserId.name]: owner.userId,
    [AutoHubKind.name]: kind,
    ...(owner.accountId && { [AutoHubAccountId.name]: owner.accountId }),
  };
}

/** Typed search attributes from {@link storedSearchAttributes}; unknown names are dropped. */
export function fromStoredSearchAttributes(stored: Record<string, string> | null | undefined): TypedSearchAttributes {
  const keys = [AutoHubUserId, AutoHubAccountId, AutoHubKind];
  const pairs = keys.flatMap((key) => (typeof stored?.[key.name] === 'string' ? [{ key, value: stored[key.name]! }] : []));
  return new TypedSearchAttributes(pairs);
}

/** Thrown when the namespace lacks AutoHub's search attributes and they cannot be added. */
export class SearchAttributesMissingError extends Error {
  override readonly name = 'SearchAttributesMissingError';
  constructor(namespace: string, missing: string[], cause: unknown) {
    super(
      `Temporal namespace "${namespace}" lacks the search attributes ${missing.join(', ')} and AutoHub could not add them ` +
        `(${cause instanceof Error ? cause.message : String(cause)}). Add them as Keyword attributes, e.g.\n` +
        missing.map((name) => `  temporal operator search-attribute create --namespace ${namespace} --name ${name} --type Keyword`).join('\n') +
        '\n(on Temporal Cloud: in the namespace settings, or with tcld namespace search-attributes add).',
      { cause },
    );
  }
}

/**
 * Makes sure the namespace knows AutoHub's search attributes, adding those it lacks. A server
 * that refuses (no operator permission, Temporal Cloud) fails with a message saying how to add them.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([...Object.keys(listed.customAttributes ?? {}), ...Object.keys(listed.systemAttributes ?? {})]);
  const missing = SEARCH_ATTRIBUTE_NAMES.filter((name) => !known.has(name));
  if (missing.length === 0) return;
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((name) => [name, keyword])),
    });
  } catch (err) {
    // Another process may have added them meanwhile.
    const again = await connection.operatorService.listSearchAttributes({ namespace }).catch(() => undefined);
    if (again && missing.every((name) => name in (again.customAttributes ?? {}))) return;
    throw new SearchAttributesMissingError(namespace, missing, err);
  }
}
