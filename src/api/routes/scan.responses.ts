import { z } from 'zod';
import { PlatformId, success } from '../responses';

const Timestamp = z.iso.datetime();

const ScannedChat = z
  .object({
    id: PlatformId,
    key: z.string(),
    title: z.string(),
    username: z.string().nullable(),
    members: z.number().int().nullable(),
    last_activity_at: Timestamp.nullable(),
    account_id: z.uuid().optional(),
  })
  .strict();

const ScannedContact = z
  .object({
    id: PlatformId,
    key: z.string(),
    name: z.string(),
    username: z.string().nullable(),
    last_activity_at: Timestamp.nullable(),
    account_id: z.uuid().optional(),
  })
  .strict();

const chatScanFields = {
  account_id: z.uuid().optional(),
  channels: z.array(ScannedChat).optional(),
  groups: z.array(ScannedChat).optional(),
  contacts: z.array(ScannedContact).optional(),
  total: z.number().int(),
};

const FoundMessage = z
  .object({
    chat_id: PlatformId,
    chat_key: z.string(),
    chat_title: z.string(),
    message_id: z.number().int(),
    text: z.string(),
    from_user: z.string().nullable(),
    date: z.number().int(),
  })
  .strict();

const messageScanFields = {
  account_id: z.uuid(),
  query: z.string(),
  results: z.array(FoundMessage),
  total: z.number().int(),
  chats_searched: z.number().int(),
};

const searchReplyFields = {
  account_id: z.uuid(),
  keywords: z.string(),
  replied_to: z.number().int(),
  details: z.array(z.object({ user: z.string(), chat: z.string(), matched_text: z.string() }).strict()),
  matched_users: z.number().int(),
  already_replied: z.number().int(),
  failed: z.array(z.object({ user: z.string(), error: z.string().nullable() }).strict()),
};

const DiscoveredGroup = z
  .object({
    title: z.string(),
    username: z.string().nullable(),
    members: z.number().int().nullable(),
    link: z.string().nullable(),
    type: z.enum(['group', 'channel']).nullable(),
    relevance_score: z.number(),
  })
  .strict();

const discoverFields = {
  account_id: z.uuid(),
  groups: z.array(DiscoveredGroup),
  total: z.number().int(),
  sources: z.array(z.object({ name: z.string(), ok: z.boolean(), count: z.number().int(), error: z.string().optional() }).strict()),
};

/** A job still running after the wait: poll `poll_url`. */
const Running = success({ job_id: z.uuid(), status: z.literal('running'), poll_url: z.string() });

const jobResult = <S extends z.ZodRawShape>(fields: S) => success({ ...fields, job_id: z.uuid() });

/** Response bodies of the scan routes: 200 with the result when it comes within the wait, else 202. */
export const ScanResponses = {
  chats: { 200: jobResult(chatScanFields), 202: Running },
  results: { 200: success(chatScanFields) },
  messages: { 200: jobResult(messageScanFields), 202: Running },
  searchReply: { 200: jobResult(searchReplyFields), 202: Running },
  discover: { 200: jobResult(discoverFields), 202: Running },
  job: {
    200: success({
      job_id: z.uuid(),
      kind: z.string(),
      status: z.enum(['running', 'completed', 'failed']),
      account_id: z.uuid(),
      created_at: Timestamp,
      finished_at: Timestamp.nullable(),
      result: z.union([success(chatScanFields), success(messageScanFields), success(searchReplyFields), success(discoverFields)]).optional(),
      error: z.string().optional(),
    }),
  },
};
