import { Badge } from '../../components/ui';
import { statusTone, statusWords } from './types';

/** An account's status in words, coloured by whether it can send. */
export function StatusBadge({ status, login }: { status: string; login?: string }) {
  return <Badge tone={statusTone(status)}>{statusWords(status, login)}</Badge>;
}
