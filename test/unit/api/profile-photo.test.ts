import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isInside, photoFromUploadDir } from '../../../src/api/routes/profile.photo';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('isInside', () => {
  it('is true strictly below the root only', () => {
    assert.equal(isInside('/srv/up', '/srv/up/a.png'), true);
    assert.equal(isInside('/srv/up', '/srv/up/x/../a.png'), true);
    assert.equal(isInside('/srv/up', '/srv/up/..a.png'), true);
    assert.equal(isInside('/srv/up', '/srv/up'), false);
    assert.equal(isInside('/srv/up', '/srv/up/../a.png'), false);
    assert.equal(isInside('/srv/up', '/srv/upload/a.png'), false);
    assert.equal(isInside('/srv/up', '/etc/passwd'), false);
  });
});

describe('photoFromUploadDir', () => {
  let base: string;
  let uploads: string;

  before(() => {
    base = mkdtempSync(path.join(tmpdir(), 'autohub-photo-'));
    uploads = path.join(base, 'uploads');
    mkdirSync(uploads);
    writeFileSync(path.join(uploads, 'ok.png'), PNG);
    writeFileSync(path.join(base, 'outside.png'), PNG);
    symlinkSync(path.join(base, 'outside.png'), path.join(uploads, 'link-out.png'));
    symlinkSync(path.join(uploads, 'ok.png'), path.join(uploads, 'link-in.png'));
    // The upload directory itself reached through a symbolic link.
    symlinkSync(uploads, path.join(base, 'uploads-link'));
  });

  after(() => rmSync(base, { recursive: true, force: true }));

  it('reads a PNG inside the directory, by relative or absolute path, and through links that stay inside', async () => {
    for (const p of ['ok.png', path.join(uploads, 'ok.png'), 'link-in.png']) {
      const photo = await photoFromUploadDir(uploads, p);
      assert.equal(photo.mimeType, 'image/png', p);
    }
    assert.equal((await photoFromUploadDir(path.join(base, 'uploads-link'), 'ok.png')).mimeType, 'image/png');
  });

  it('refuses paths that leave the directory, lexically or through a link', async () => {
    for (const p of ['../outside.png', path.join(base, 'outside.png'), 'link-out.png', '/etc/passwd', 'a\0b']) {
      await assert.rejects(photoFromUploadDir(uploads, p), /photo_path must name a file inside AUTOHUB_UPLOAD_DIR/, p);
    }
  });

  it('answers clearly for a missing file or a missing directory', async () => {
    await assert.rejects(photoFromUploadDir(uploads, 'nope.png'), /no such file/);
    await assert.rejects(photoFromUploadDir(path.join(base, 'absent'), 'ok.png'), /upload directory AUTOHUB_UPLOAD_DIR does not exist/);
  });
});
