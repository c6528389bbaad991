import { useApi } from '../../components/hooks';
import { ChatPicker } from '../../components/chat-picker';
import { TextField } from '../../components/ui';
import { api, unwrap } from '../../api/client';

/**
 * The targets of a broadcast: the account's known chats, and any other target keys typed in (an
 * @username or id the account has not seen yet).
 */
export function TargetPicker({
  accountId,
  selected,
  onSelected,
  otherKeys,
  onOtherKeys,
}: {
  accountId: string;
  selected: string[];
  onSelected: (keys: string[]) => void;
  otherKeys: string;
  onOtherKeys: (text: string) => void;
}) {
  const system = useApi(() => unwrap(api.GET('/api/v1/system-info')), []);
  const maxTargets = system.data?.limits.max_targets_per_broadcast;
  return (
    <ChatPicker accountId={accountId} selected={selected} onChange={onSelected} note={maxTargets === undefined ? undefined : `a broadcast takes at most ${maxTargets} targets`}>
      <TextField
        label="Other target keys"
        value={otherKeys}
        onChange={onOtherKeys}
        hint="Optional: @usernames, ids or links, separated by commas or spaces."
      />
    </ChatPicker>
  );
}

/** The keys typed into "Other target keys". */
export function parseKeys(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}
