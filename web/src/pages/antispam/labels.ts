import type { components } from '../../api/schema';

export type AntispamConfig = components['schemas']['AntispamConfig'];
export type AntispamAction = AntispamConfig['action'];
export type SpamReasonName = components['schemas']['SpamReason']['reason'];
export type AutomationLogEntry = components['schemas']['AutomationLogEntry'];
export type AutomationFeature = AutomationLogEntry['feature'];
export type AutomationResult = AutomationLogEntry['result'];

export const ACTION_OPTIONS: { value: AntispamAction; label: string }[] = [
  { value: 'warn', label: 'Warn (a warning in the chat, quoting the message)' },
  { value: 'delete', label: 'Delete the message' },
  { value: 'mute', label: 'Mute the sender' },
  { value: 'ban', label: 'Ban the sender' },
  { value: 'ladder', label: 'Ladder: delete, then warn, then mute, then ban' },
];

export const REASON_LABELS: Record<SpamReasonName, string> = {
  flood: 'Flood',
  link: 'Link',
  banned_word: 'Banned word',
  emojis: 'Too many emojis',
  new_member_link: 'Link from a new member',
  new_member_forward: 'Forward from a new member',
  banned_user: 'Banned user',
};

export const FEATURE_LABELS: Record<AutomationFeature, string> = {
  auto_reply: 'Auto-reply',
  welcome: 'Welcome',
  antispam: 'Anti-spam',
  opt_out: 'Opt-out',
};

export const RESULTS: AutomationResult[] = ['enqueued', 'sent', 'failed', 'pending', 'done', 'unsupported', 'dry_run'];

export const RESULT_TONES: Record<AutomationResult, 'neutral' | 'good' | 'warn' | 'bad'> = {
  enqueued: 'neutral',
  pending: 'neutral',
  sent: 'good',
  done: 'good',
  failed: 'bad',
  unsupported: 'warn',
  dry_run: 'warn',
};
