import { api, unwrap } from '../api/client';
import { useAction, useApi } from '../components/hooks';
import { Button, DataTable, ErrorNote, Loading, Page, Section, When } from '../components/ui';
import { AddImage, type LibraryImage } from './images/add-image';

const TYPE_NAMES: Record<string, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * What an image is called here. The API keeps no name for an image, so this is the file name of
 * the URL it was fetched from, or else the start of its SHA-256 (which tells images apart).
 */
function imageName(image: LibraryImage): string {
  return (image.source_url && fileNameOf(image.source_url)) || `Image ${image.sha256.slice(0, 8)}`;
}

function fileNameOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return ''; // not a URL, or a malformed escape: no file name to show
  }
}

/** /images: the image library broadcasts send from, to add to and delete from. */
export function ImagesPage() {
  const images = useApi(() => unwrap(api.GET('/api/v1/images')), []);
  const remove = useAction();
  const rows = images.data?.images ?? [];

  const deleteImage = (image: LibraryImage) =>
    void remove.run(async () => {
      await unwrap(api.DELETE('/api/v1/images/{id}', { params: { path: { id: image.id } } }));
      images.reload();
    });

  return (
    <Page title="Images">
      <Section title="Add an image">
        <AddImage knownIds={new Set(rows.map((i) => i.id))} onAdded={images.reload} />
      </Section>
      <Section title="Image library">
        <ErrorNote error={images.error} />
        <ErrorNote error={remove.error} />
        {images.loading && !images.data ? (
          <Loading what="Loading images" />
        ) : (
          <DataTable
            caption="Images"
            rows={rows}
            rowKey={(i) => i.id}
            empty="No images yet. Upload one above."
            columns={[
              {
                header: 'Preview',
                cell: (i) => (
                  <img src={`/api/v1/images/${i.id}/content`} alt={imageName(i)} loading="lazy" style={{ maxWidth: '6rem', maxHeight: '6rem', height: 'auto' }} />
                ),
              },
              { header: 'Name', cell: (i) => imageName(i) },
              { header: 'Type', cell: (i) => TYPE_NAMES[i.mime_type] ?? i.mime_type },
              { header: 'Size', cell: (i) => formatSize(i.size_bytes) },
              { header: 'Source', cell: (i) => (i.source_url ? <code>{i.source_url}</code> : <span className="muted">uploaded</span>) },
              { header: 'Created', cell: (i) => <When at={i.created_at} /> },
              {
                header: 'Actions',
                cell: (i) => (
                  <Button variant="danger" onClick={() => deleteImage(i)} disabled={remove.busy}>
                    Delete
                  </Button>
                ),
              },
            ]}
          />
        )}
      </Section>
    </Page>
  );
}
