import { runScanJob, scanSession } from './scan-job';
import type { ChatScanParams, MessageScanParams, ScanJobInput, ScanJobResult } from './scan.shared';

/** `POST /api/v1/scan`: lists the account's chats, stores those active since the cutoff. */
export async function scanChatsWorkflow(input: ScanJobInput<ChatScanParams>): Promise<ScanJobResult> {
  const session = scanSession(input.sessionTaskQueue);
  return runScanJob(input.jobId, () => session.scanChats(input));
}

/** `POST /api/v1/scan/messages`: searches the account's chats for a keyword or phrase. */
export async function scanMessagesWorkflow(input: ScanJobInput<MessageScanParams>): Promise<ScanJobResult> {
  const session = scanSession(input.sessionTaskQueue);
  return runScanJob(input.jobId, () => session.searchChatMessages(input));
}
