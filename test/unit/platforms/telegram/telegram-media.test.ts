import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Api } from 'telegram';
import { randomIdFor } from '../../../../src/platforms/telegram/random-id';
import { isPlatformError, type OutgoingMedia, type PlatformErrorKind } from '../../../../src/domain/platform-port';
import { connectSession } from './session-harness';
import { rpcError } from './stub-client';
import { targetsServer } from './targets-server';

function media(data: string, mimeType: string, fileName?: string): OutgoingMedia {
  const bytes = Buffer.from(data);
  return { data: bytes, mimeType, sha256: createHash('sha256').update(bytes).digest('hex'), ...(fileName === undefined ? {} : { fileName }) };
}

const poster = media('jpeg bytes', 'image/jpeg');

describe('TelegramSession.sendMessage with media', () => {
  it('uploads a photo once and sends it with the text as caption under the derived randomId', async () => {
    const { session, client } = await connectSession(targetsServer());

    const sent = await session.sendMessage({ targetKey: '@SomeGroup', text: 'Look', clientMessageId: 'run-1:@SomeGroup', replyTo: 7, media: poster });

    assert.deepEqual(sent, { messageId: '100', sentAt: new Date(1_700_000_600_000), deduplicated: false });
    assert.equal(client.uploads.length, 1);
    assert.equal(client.uploads[0]!.name, 'photo.jpg');
    assert.deepEqual(client.uploads[0]!.buffer, poster.data);
    assert.equal(client.sent(Api.messages.SendMessage).length, 0);
    const [request] = client.sent(Api.messages.SendMedia);
    assert.ok(request!.media instanceof Api.InputMediaUploadedPhoto);
    assert.ok(request!.media.file instanceof Api.InputFile);
    assert.equal(request!.message, 'Look');
    assert.ok(request!.randomId!.equals(randomIdFor('run-1:@SomeGroup')));
    assert.ok(request!.peer instanceof Api.InputPeerChannel);
    assert.ok(request!.replyTo instanceof Api.InputReplyToMessage && request!.replyTo.replyToMsgId === 7);
  });

  it('sends the same content to the next target as the stored photo, without uploading again', async () => {
    const server = targetsServer();
    const { session, client } = await connectSession(server);

    await session.sendMessage({ targetKey: '@SomeGroup', text: 'Look', clientMessageId: 'run-1:@SomeGroup', media: poster });
    const second = await session.sendMessage({ targetKey: '@bobby', text: 'Look', clientMessageId: 'run-1:@bobby', media: { ...poster } });

    assert.equal(second.deduplicated, false);
    assert.equal(client.uploads.length, 1, 'one upload for both targets');
    const reused = client.sent(Api.messages.SendMedia)[1]!;
    assert.ok(reused.peer instanceof Api.InputPeerUser);
    assert.ok(reused.media instanceof Api.InputMediaPhoto && reused.media.id instanceof Api.InputPhoto);
    const photo = server.files[0]!;
    assert.ok(reused.media.id.id.equals(photo.id));
    assert.ok(reused.media.id.accessHash.equals(photo.accessHash));
    assert.deepEqual(reused.media.id.fileReference, photo.fileReference);
  });

  it('uploads afresh under the same randomId when the stored photo’s file reference expired', async () => {
    const server = targetsServer();
    const { session, client } = await connectSession(server);
    await session.sendMessage({ targetKey: '@SomeGroup', text: 'Look', clientMessageId: 'run-1:@SomeGroup', media: poster });
    server.expireFileReferences();

    const sent = await session.sendMessage({ targetKey: '@bobby', text: 'Look', clientMessageId: 'run-1:@bobby', media: poster });

    assert.equal(sent.deduplicated, false);
    assert.equal(client.uploads.length, 2);
    const [, refused, retried] = client.sent(Api.messages.SendMedia);
    assert.ok(refused!.media instanceof Api.InputMediaPhoto);
    assert.ok(retried!.media instanceof Api.InputMediaUploadedPhoto);
    assert.ok(retried!.randomId!.equals(refused!.randomId!));
    assert.equal(server.randomIds.length, 2, 'both targets got the photo once');
  });

  it('forgets a stored file Telegram no longer has and reuses the new upload next time', async () => {
    const server = targetsServer();
    const { session, client } = await connectSession(server);
    await session.sendMessage({ targetKey: '@SomeGroup', text: '', clientMessageId: 'a', media: poster });
    server.files.splice(0);

    await session.sendMessage({ targetKey: '@bobby', text: '', clientMessageId: 'b', media: poster });
    await session.sendMessage({ targetKey: '@SomeGroup', text: '', clientMessageId: 'c', media: poster });

    assert.equal(client.uploads.length, 2);
    const last = client.sent(Api.messages.SendMedia).at(-1)!;
    assert.ok(last.media instanceof Api.InputMediaPhoto && last.media.id instanceof Api.InputPhoto);
    assert.ok(last.media.id.id.equals(server.files[0]!.id));
    assert.deepEqual(last.media.id.fileReference, server.files[0]!.fileReference);
  });

  it('sends any other type as a document with its file name, and reuses it', async () => {
    const { session, client } = await connectSession(targetsServer());
    const report = media('%PDF-1.7', 'application/pdf', 'report.pdf');

    await session.sendMessage({ targetKey: '@SomeGroup', text: '', clientMessageId: 'a', media: report });
    await session.sendMessage({ targetKey: '@bobby', text: '', clientMessageId: 'b', media: report });

    assert.equal(client.uploads.length, 1);
    assert.equal(client.uploads[0]!.name, 'report.pdf');
    const [uploaded, reused] = client.sent(Api.messages.SendMedia);
    assert.ok(uploaded!.media instanceof Api.InputMediaUploadedDocument);
    assert.equal(uploaded!.media.mimeType, 'application/pdf');
    assert.deepEqual(uploaded!.media.attributes, [new Api.DocumentAttributeFilename({ fileName: 'report.pdf' })]);
    assert.equal(uploaded!.message, '', 'no caption');
    assert.ok(reused!.media instanceof Api.InputMediaDocument && reused!.media.id instanceof Api.InputDocument);
  });

  it('names a document without a file name "file", and uploads the same bytes under another name again', async () => {
    const { session, client } = await connectSession(targetsServer());
    const unnamed = media('GIF89a', 'image/gif');

    await session.sendMessage({ targetKey: '@SomeGroup', text: 'gif', clientMessageId: 'a', media: unnamed });
    await session.sendMessage({ targetKey: '@bobby', text: 'gif', clientMessageId: 'b', media: { ...unnamed, fileName: 'fun.gif' } });

    assert.deepEqual(client.uploads.map((f) => f.name), ['file', 'fun.gif']);
    const [first] = client.sent(Api.messages.SendMedia);
    assert.ok(first!.media instanceof Api.InputMediaUploadedDocument);
    assert.deepEqual(first!.media.attributes, [new Api.DocumentAttributeFilename({ fileName: 'file' })]);
  });

  it('treats a retried media send that Telegram rejects as RANDOM_ID_DUPLICATE as already sent', async () => {
    const server = targetsServer();
    const { session, client } = await connectSession(server);
    const message = { targetKey: '@SomeGroup', text: 'Look', clientMessageId: 'run-1:@SomeGroup', media: poster };

    const first = await session.sendMessage(message);
    const retry = await session.sendMessage(message);

    assert.deepEqual(retry, { messageId: first.messageId, sentAt: first.sentAt, deduplicated: true });
    assert.equal(server.randomIds.length, 1, 'Telegram accepted the message once');
    assert.equal(client.uploads.length, 1);
  });

  it('reports the earlier media message of a duplicate, not a newer text with the same words', async () => {
    const { session } = await connectSession(targetsServer());
    const withPhoto = { targetKey: '@SomeGroup', text: 'Look', clientMessageId: 'run-1:@SomeGroup', media: poster };
    const first = await session.sendMessage(withPhoto);
    const text = await session.sendMessage({ targetKey: '@SomeGroup', text: 'Look', clientMessageId: 'run-2:@SomeGroup' });

    const retry = await session.sendMessage(withPhoto);

    assert.notEqual(text.messageId, first.messageId);
    assert.equal(retry.messageId, first.messageId);
    assert.equal(retry.deduplicated, true);
  });

  for (const [code, status, kind] of [
    ['CHAT_SEND_PHOTOS_FORBIDDEN', 403, 'forbidden'],
    ['CHAT_SEND_MEDIA_FORBIDDEN', 403, 'forbidden'],
    ['MEDIA_CAPTION_TOO_LONG', 400, 'invalid'],
    ['PHOTO_INVALID_DIMENSIONS', 400, 'invalid'],
  ] as const satisfies ReadonlyArray<readonly [string, number, PlatformErrorKind]>) {
    it(`fails a media send refused with ${code} as ${kind}`, async () => {
      const server = targetsServer();
      const { session } = await connectSession((request) => {
        if (request instanceof Api.messages.SendMedia) throw rpcError(code, request, status);
        return server(request);
      });
      await assert.rejects(
        session.sendMessage({ targetKey: '@SomeGroup', text: 'x', clientMessageId: 'c', media: poster }),
        (err) => isPlatformError(err, kind) && err.message.includes(code),
      );
    });
  }

  it('does not upload again when a stored photo is refused for another reason', async () => {
    const server = targetsServer();
    const { session, client } = await connectSession((request) => {
      if (request instanceof Api.messages.SendMedia && request.media instanceof Api.InputMediaPhoto) {
        throw rpcError('CHAT_SEND_PHOTOS_FORBIDDEN', request, 403);
      }
      return server(request);
    });
    await session.sendMessage({ targetKey: '@SomeGroup', text: 'Look', clientMessageId: 'a', media: poster });

    await assert.rejects(
      session.sendMessage({ targetKey: '@bobby', text: 'Look', clientMessageId: 'b', media: poster }),
      (err) => isPlatformError(err, 'forbidden'),
    );
    assert.equal(client.uploads.length, 1);
  });

  it('fails as transient when the upload gets no answer in time', async () => {
    const { session, client } = await connectSession(targetsServer(), { requestTimeoutMs: 30 });
    client.uploadFile = () => new Promise(() => undefined);
    await assert.rejects(
      session.sendMessage({ targetKey: '@SomeGroup', text: 'x', clientMessageId: 'c', media: poster }),
      (err) => isPlatformError(err, 'transient') && err.message.includes('TIMEOUT'),
    );
    assert.equal(client.sent(Api.messages.SendMedia).length, 0);
  });
});
