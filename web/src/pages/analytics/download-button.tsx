import { fetchText } from '../../api/client';
import { useAction } from '../../components/hooks';
import { Button, ErrorNote, download } from '../../components/ui';

/** A button that fetches a CSV export and offers it as `filename`, showing the API's message when it fails. */
export function DownloadButton({ label, path, filename }: { label: string; path: string; filename: string }) {
  const action = useAction();
  const save = () => action.run(async () => download(filename, await fetchText(path)));
  return (
    <div className="field">
      <Button onClick={() => void save()} disabled={action.busy} aria-busy={action.busy}>
        {label}
      </Button>
      {action.busy && (
        <span className="muted" role="status">
          Preparing {filename}…
        </span>
      )}
      <ErrorNote error={action.error} />
    </div>
  );
}
