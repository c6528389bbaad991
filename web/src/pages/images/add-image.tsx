import { useState } from 'react';
import { api, postForm, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { useAction } from '../../components/hooks';
import { FileField, Form, Notice, TextField } from '../../components/ui';

export type LibraryImage = components['schemas']['Image'];

/** The API stores the same bytes once: adding them again answers the image already there. */
const outcome = (image: LibraryImage, known: ReadonlySet<string>) =>
  known.has(image.id) ? 'That image is already in your library.' : 'Image added to your library.';

/** Uploads a JPEG or PNG (multipart field `image`), or has the API fetch one from a URL. */
export function AddImage({ knownIds, onAdded }: { knownIds: ReadonlySet<string>; onAdded: () => void }) {
  const upload = useAction();
  const fromUrl = useAction();
  const [file, setFile] = useState<File>();
  const [fileKey, setFileKey] = useState(0);
  const [url, setUrl] = useState('');
  const [done, setDone] = useState<string>();

  const uploadFile = async () => {
    if (!file) throw new Error('Choose an image file (JPEG or PNG) first.');
    const form = new FormData();
    form.append('image', file);
    const answer = await postForm<{ image: LibraryImage }>('/api/v1/images', form);
    setFile(undefined);
    setFileKey((k) => k + 1);
    setDone(outcome(answer.image, knownIds));
    onAdded();
  };

  const fetchUrl = async () => {
    const answer = await unwrap(api.POST('/api/v1/images', { body: { url: url.trim() } }));
    setUrl('');
    setDone(outcome(answer.image, knownIds));
    onAdded();
  };

  return (
    <>
      <div className="grid">
        <Form action={upload} onSubmit={uploadFile} submitLabel="Upload image" label="Upload an image">
          <FileField
            label="Image file"
            accept="image/jpeg,image/png"
            hint="JPEG or PNG, at most 10 MiB."
            resetKey={fileKey}
            onChange={(chosen) => {
              setFile(chosen);
              setDone(undefined);
            }}
          />
        </Form>
        <Form action={fromUrl} onSubmit={fetchUrl} submitLabel="Add image from URL" label="Add an image from a URL">
          <TextField label="Image URL" type="url" value={url} onChange={setUrl} placeholder="https://…" hint="The API fetches it once, now (public http or https addresses only)." />
        </Form>
      </div>
      {done && <Notice>{done}</Notice>}
    </>
  );
}
