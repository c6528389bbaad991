import type { z } from 'zod';
import { scanResults, settledScanJob, startScanJob, type ScanRequest } from '../../services/scan-jobs';
import {
  DISCOVER_GROUPS_WORKFLOW,
  SCAN_CHATS_WORKFLOW,
  SCAN_MESSAGES_WORKFLOW,
  SEARCH_REPLY_WORKFLOW,
} from '../../workflows/scan.shared';
import { ownConnectedAccount } from '../account-access';
import type { ApiDeps, Caller } from '../context';
import { idParam, ok, route } from '../route';
import { presentScanJob, startedScanAnswer } from './scan.presenters';
import {
  chatScanParams,
  DiscoverBody,
  discoverParams,
  messageScanParams,
  ScanBody,
  ScanMessagesBody,
  ScanResultsFilter,
  SearchReplyBody,
  searchReplyParams,
} from './scan.schemas';
import { ScanResponses } from './scan.responses';

/** Scanning, message search, keyword auto-reply and group discovery; each runs as a Temporal workflow. */
export function scanRoutes(deps: ApiDeps) {
  const { db, config } = deps;

  /** Stored scan results of the caller's accounts, or of one of them. */
  const results = async (filter: z.infer<typeof ScanResultsFilter>, caller: Caller) => {
    const { accountId, view } = await scanResults(db, caller.scope, { accountId: filter.account_id, type: filter.type });
    return ok({ ...(accountId && { account_id: accountId }), ...view });
  };
  const start = async (caller: Caller, request: ScanRequest) => startedScanAnswer(await startScanJob(deps, caller.scope, request));

  return [
    route({
      method: 'post',
      path: '/api/v1/scan',
      summary: "Scan an account's chats, groups, channels and contacts; results are stored",
      tag: 'Scan',
      operationId: 'scanChats',
      responses: ScanResponses.chats,
      errors: [404, 409, 429, 503],
      body: ScanBody,
      handler: async ({ body, caller }) => {
        const account = await ownConnectedAccount(db, body.account_id, caller);
        const params = chatScanParams(body, Date.now());
        return start(caller, { account, kind: 'chats', workflow: SCAN_CHATS_WORKFLOW, params, waitSeconds: body.wait_seconds });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/scan/results',
      summary: 'Stored scan results; filter by account_id and type (groups, channels, contacts)',
      tag: 'Scan',
      operationId: 'getScanResults',
      responses: ScanResponses.results,
      errors: [404],
      query: ScanResultsFilter,
      handler: ({ query, caller }) => results(query, caller),
    }),
    route({
      method: 'post',
      path: '/api/v1/scan/results',
      summary: 'Stored scan results, filters in a JSON body',
      tag: 'Scan',
      operationId: 'queryScanResults',
      responses: ScanResponses.results,
      errors: [404],
      body: ScanResultsFilter,
      handler: ({ body, caller }) => results(body, caller),
    }),
    route({
      method: 'post',
      path: '/api/v1/scan/messages',
      summary: "Search the account's chats for messages with a keyword or phrase",
      tag: 'Scan',
      operationId: 'searchMessages',
      responses: ScanResponses.messages,
      errors: [404, 409, 429, 503],
      body: ScanMessagesBody,
      handler: async ({ body, caller }) => {
        const account = await ownConnectedAccount(db, body.account_id, caller);
        const params = messageScanParams(body, Date.now());
        return start(caller, { account, kind: 'messages', workflow: SCAN_MESSAGES_WORKFLOW, params, waitSeconds: body.wait_seconds });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/scan/search-reply',
      summary: 'Reply privately to users whose messages contain keywords; never twice within the window',
      tag: 'Scan',
      operationId: 'searchAndReply',
      responses: ScanResponses.searchReply,
      errors: [404, 409, 429, 503],
      body: SearchReplyBody,
      handler: async ({ body, caller }) => {
        const account = await ownConnectedAccount(db, body.account_id, caller);
        const params = searchReplyParams(body, config.scan.replyWindowDays);
        return start(caller, { account, kind: 'search_reply', workflow: SEARCH_REPLY_WORKFLOW, params, waitSeconds: body.wait_seconds });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/scan/discover',
      summary: 'Discover public groups and channels: platform search plus TGStat, web and SearcheeBot',
      tag: 'Scan',
      operationId: 'discoverGroups',
      responses: ScanResponses.discover,
      errors: [404, 409, 429, 503],
      body: DiscoverBody,
      handler: async ({ body, caller }) => {
        const account = await ownConnectedAccount(db, body.account_id, caller);
        const params = discoverParams(body, account.platform, config.scan.sourceTimeoutSeconds * 1000);
        return start(caller, { account, kind: 'discover', workflow: DISCOVER_GROUPS_WORKFLOW, params, waitSeconds: body.wait_seconds });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/scan/jobs/:id',
      summary: 'A scan job answered 202: status running, completed or failed, and its result when done',
      tag: 'Scan',
      operationId: 'getScanJob',
      responses: ScanResponses.job,
      handler: async ({ params, caller }) => {
        const job = await settledScanJob(deps, caller.scope, idParam(params));
        return ok(presentScanJob(job));
      },
    }),
  ];
}
