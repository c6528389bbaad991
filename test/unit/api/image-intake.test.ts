import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { imageFromUploadDir, imageFromUrl, isInside } from '../../../src/api/image-intake';
import { MAX_IMAGE_BYTES } from '../../../src/domain/limits';
import { isPublicAddress } from '../../../src/services/url-fetch';
import { JPEG, PNG } from '../../support/images';


const PHOTO = { noun: 'photo', field: 'photo_path' };
const fromDir = (dir: string, imagePath: string) => imageFromUploadDir(dir, imagePath, PHOTO);

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

describe('imageFromUploadDir', () => {
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
      const photo = await fromDir(uploads, p);
      assert.equal(photo.mimeType, 'image/png', p);
    }
    assert.equal((await fromDir(path.join(base, 'uploads-link'), 'ok.png')).mimeType, 'image/png');
  });

  it('refuses paths that leave the directory, lexically or through a link', async () => {
    for (const p of ['../outside.png', path.join(base, 'outside.png'), 'link-out.png', '/etc/passwd', 'a\0b']) {
      await assert.rejects(fromDir(uploads, p), /photo_path must name a file inside AUTOHUB_UPLOAD_DIR/, p);
    }
  });

  it('answers clearly for a missing file or a missing directory', async () => {
    await assert.rejects(fromDir(uploads, 'nope.png'), /no such file/);
    await assert.rejects(fromDir(path.join(base, 'absent'), 'ok.png'), /upload directory AUTOHUB_UPLOAD_DIR does not exist/);
  });
});

describe('imageFromUrl', () => {
  const IMAGE = { noun: 'image', field: 'image_url' };
  let server: Server;
  let base: string;
  const routes: Record<string, (res: import('node:http').ServerResponse) => void> = {
    '/a.jpg': (res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(JPEG),
    '/moved': (res) => res.writeHead(302, { location: '/a.jpg' }).end(),
    '/to-file': (res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
    '/loop': (res) => res.writeHead(302, { location: '/loop' }).end(),
    '/missing': (res) => res.writeHead(404).end('not here'),
    '/page.html': (res) => res.writeHead(200, { 'content-type': 'image/png' }).end('<html></html>'),
    // Declares its size: refused before the body is read.
    '/declared-big.png': (res) => {
      res.writeHead(200, { 'content-length': String(MAX_IMAGE_BYTES + 1) });
      res.write(PNG);
    },
    // Chunked, with no declared size: refused once the limit is passed.
    '/streamed-big.png': (res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(PNG);
      const chunk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i <= MAX_IMAGE_BYTES / chunk.length; i++) res.write(chunk);
      res.end();
    },
    '/silent.png': () => undefined,
  };

  before(async () => {
    server = createServer((req, res) => (routes[req.url ?? ''] ?? ((r) => r.writeHead(404).end()))(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const fetchImage = (url: string, timeoutMs = 5_000) => imageFromUrl(url, IMAGE, { timeoutMs, allowPrivate: true });

  it('fetches a JPEG, following redirects, and types it by its bytes', async () => {
    for (const url of [`${base}/a.jpg`, `${base}/moved`]) {
      const image = await fetchImage(url);
      assert.equal(image.mimeType, 'image/jpeg', url);
      assert.deepEqual(image.data, JPEG, url);
    }
  });

  it('refuses what is not an http(s) URL', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.org/a.png', 'not a url', '']) {
      await assert.rejects(fetchImage(url), { status: 400, message: 'image_url must be an http or https URL' }, url);
    }
  });

  it('says why a fetch failed: the HTTP status, a refused connection, no answer in time', async () => {
    await assert.rejects(fetchImage(`${base}/missing`), { status: 400, message: 'image_url: could not fetch the image: HTTP 404' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(fetchImage(`http://127.0.0.1:${port}/a.png`), {
      status: 400,
      message: 'image_url: could not fetch the image: ECONNREFUSED',
    });
    await assert.rejects(fetchImage(`${base}/silent.png`, 300), {
      status: 400,
      message: 'image_url: could not fetch the image: no answer within 0.3 s',
    });
  });

  it('refuses a redirect to another scheme and endless redirects', async () => {
    await assert.rejects(fetchImage(`${base}/to-file`), { status: 400, message: 'image_url: file: URLs are not fetched' });
    await assert.rejects(fetchImage(`${base}/loop`), { status: 400, message: 'image_url: more than 5 redirects' });
  });

  it('fetches from public addresses only unless private ones are allowed', async () => {
    const port = new URL(base).port;
    const publicOnly = (url: string) => imageFromUrl(url, IMAGE, { timeoutMs: 5_000, allowPrivate: false });
    for (const host of ['127.0.0.1', '[::1]', '[::ffff:127.0.0.1]', '0x7f000001']) {
      await assert.rejects(publicOnly(`http://${host}:${port}/a.jpg`), (err: Error & { status?: number }) => {
        assert.equal(err.status, 400, host);
        assert.match(err.message, /^image_url: .* is not a public address \(IMAGE_URL_ALLOW_PRIVATE=true allows it\)$/, host);
        return true;
      });
    }
    // A name is checked where it is resolved for the connection.
    await assert.rejects(publicOnly(`http://localhost:${port}/a.jpg`), {
      status: 400,
      message: /^image_url: localhost \((127\.0\.0\.1|::1)\) is not a public address/,
    });
  });

  it('refuses a body that is not a JPEG or PNG, whatever its declared type', async () => {
    await assert.rejects(fetchImage(`${base}/page.html`), { status: 400, message: 'image must be a JPEG or PNG image' });
  });

  it('refuses an image over the limit, declared or streamed', async () => {
    for (const name of ['declared-big.png', 'streamed-big.png']) {
      await assert.rejects(fetchImage(`${base}/${name}`), { status: 413, message: `image exceeds ${MAX_IMAGE_BYTES} bytes (10 MiB)` }, name);
    }
  });
});

describe('isPublicAddress', () => {
  it('is true for global unicast addresses only', () => {
    for (const address of ['8.8.8.8', '93.184.216.34', '2001:4860:4860::8888']) assert.equal(isPublicAddress(address), true, address);
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:10.0.0.1',
      'not an address',
    ]) {
      assert.equal(isPublicAddress(address), false, address);
    }
  });
});
