/**
 * The form adding an auto-reply rule (POST /api/auto-replies). Keyword, match mode, reply and
 * account come first; the rest of the rule's settings, each with the API's default filled in, wait
 * under "More options".
 */
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAction } from '../../components/hooks';
import { Checkbox, Form, Notice, Section, SelectField, TextArea, TextField } from '../../components/ui';
import { accountLabel, type Account } from '../../components/accounts';
import { numberOrDefault } from '../scan/fields';
import { CHAT_TYPE_LABELS, CHAT_TYPES, chatList, MATCH_OPTIONS, REPLY_IN_OPTIONS, type ChatType, type MatchMode, type NewRule, type Platform, type ReplyIn } from './rules';

const PLATFORM_OPTIONS: ReadonlyArray<{ value: Platform | ''; label: string }> = [
  { value: '', label: 'Either' },
  { value: 'telegram', label: 'Telegram' },
  { value: 'whatsapp', label: 'WhatsApp' },
];

/** A cooldown field that may be left blank for none (null), as the chat and account cooldowns may. */
const optionalSeconds = (value: string) => (value.trim() === '' ? null : Number(value));

export function RuleForm({ accounts, onAdded }: { accounts: Account[]; onAdded: () => void }) {
  const [keyword, setKeyword] = useState('');
  const [matchMode, setMatchMode] = useState<MatchMode>('contains');
  const [response, setResponse] = useState('');
  const [accountId, setAccountId] = useState('');
  const [platform, setPlatform] = useState<Platform | ''>('');
  const [chatTypes, setChatTypes] = useState<ChatType[]>([]);
  const [replyIn, setReplyIn] = useState<ReplyIn>('chat');
  const [priority, setPriority] = useState('100');
  const [cooldown, setCooldown] = useState('60');
  const [chatCooldown, setChatCooldown] = useState('');
  const [overallCooldown, setOverallCooldown] = useState('');
  const [allowChats, setAllowChats] = useState('');
  const [denyChats, setDenyChats] = useState('');
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [accentSensitive, setAccentSensitive] = useState(false);
  const [enabled, setEnabled] = useState(true);
  const [added, setAdded] = useState<string | null>(null);
  const action = useAction();

  const toggleChatType = (type: ChatType, on: boolean) =>
    setChatTypes((types) => (on ? CHAT_TYPES.filter((t) => t === type || types.includes(t)) : types.filter((t) => t !== type)));

  const add = async () => {
    setAdded(null);
    const body: NewRule = {
      keyword,
      response,
      match_mode: matchMode,
      account_id: accountId || null,
      platform: platform || null,
      chat_types: chatTypes.length > 0 ? chatTypes : null,
      reply_in: replyIn,
      priority: numberOrDefault(priority),
      cooldown_seconds: numberOrDefault(cooldown),
      chat_cooldown_seconds: optionalSeconds(chatCooldown),
      account_cooldown_seconds: optionalSeconds(overallCooldown),
      allow_chats: chatList(allowChats),
      deny_chats: chatList(denyChats),
      case_sensitive: caseSensitive,
      accent_sensitive: accentSensitive,
      enabled,
    };
    const { rule } = await unwrap(api.POST('/api/auto-replies', { body }));
    setAdded(rule.keyword);
    setKeyword('');
    setResponse('');
    onAdded();
  };

  return (
    <Section title="Add a rule">
      <Form action={action} onSubmit={add} submitLabel="Add rule" label="New rule">
        <TextField label="Keyword" value={keyword} onChange={setKeyword} required hint="A regular expression when Match is “Regular expression”" />
        <SelectField label="Match" value={matchMode} onChange={setMatchMode} options={MATCH_OPTIONS} />
        <TextArea label="Reply" value={response} onChange={setResponse} required hint="May use {{name}}, {{username}} and {{group}}" />
        <SelectField
          label="Account"
          value={accountId}
          onChange={setAccountId}
          options={[{ value: '', label: 'All accounts' }, ...accounts.map((a) => ({ value: a.id, label: accountLabel(a) }))]}
        />
        <details>
          <summary>More options</summary>
          <div className="form">
            <fieldset className="form">
              <legend>Answers in (none ticked: private chats and groups)</legend>
              {CHAT_TYPES.map((type) => (
                <Checkbox key={type} label={CHAT_TYPE_LABELS[type]} checked={chatTypes.includes(type)} onChange={(on) => toggleChatType(type, on)} />
              ))}
            </fieldset>
            <SelectField label="Send the answer" value={replyIn} onChange={setReplyIn} options={REPLY_IN_OPTIONS} />
            <SelectField label="Platform" value={platform} onChange={setPlatform} options={PLATFORM_OPTIONS} />
            <div className="grid">
              <TextField label="Priority" type="number" inputMode="numeric" min={0} value={priority} onChange={setPriority} hint="Lower answers first" />
              <TextField label="Cooldown per sender (seconds)" type="number" inputMode="numeric" min={0} value={cooldown} onChange={setCooldown} hint="Per chat and sender" />
              <TextField label="Cooldown per chat (seconds)" type="number" inputMode="numeric" min={1} value={chatCooldown} onChange={setChatCooldown} hint="Blank for none" />
              <TextField label="Overall cooldown (seconds)" type="number" inputMode="numeric" min={1} value={overallCooldown} onChange={setOverallCooldown} hint="Across all chats of the account; blank for none" />
            </div>
            <TextField label="Only in chats" value={allowChats} onChange={setAllowChats} hint="Comma-separated chat keys, e.g. @group1, t.me/group2; blank for all" />
            <TextField label="Never in chats" value={denyChats} onChange={setDenyChats} hint="Comma-separated chat keys" />
            <Checkbox label="Case sensitive" checked={caseSensitive} onChange={setCaseSensitive} />
            <Checkbox label="Accent sensitive" checked={accentSensitive} onChange={setAccentSensitive} />
            <Checkbox label="Enabled" checked={enabled} onChange={setEnabled} />
          </div>
        </details>
      </Form>
      {added !== null && <Notice>Rule “{added}” added.</Notice>}
    </Section>
  );
}
