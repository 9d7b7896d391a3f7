import { describe, expect, test } from '@jest/globals';
import { encode as encodeBmp } from 'bmp-ts';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { inviteAndSetUp } from '../support/members.js';
import { binary, withTestApp, type TestApp } from '../support/test-app.js';

// Uploads are decoded and re-encoded, not trusted by their header: at most 4,096 px on
// a side in, at most 512 px out, no metadata.
let t: TestApp;
let root: string;
let orgId: string;
withTestApp(async (app, token) => {
  t = app;
  root = token;
  orgId = (await t.http().post('/organizations').set('Authorization', root).send({ name: 'Logo School', timeZone: 'UTC' })).body.id;
});

const upload = (bytes: Buffer, auth = root) => t.http().put(`/organizations/${orgId}/logo`).set('Authorization', auth).set('Content-Type', 'application/octet-stream').send(bytes);

/** A PNG whose header claims `width` x `height` over one tiny compressed row: the decompression bomb's shape. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', header),
    chunk('IDAT', Buffer.from('78da63000000010001', 'hex')),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}


describe('Logos are decoded, not trusted by their header', () => {
  test('a 167-byte PNG that claims 30,000 x 30,000 pixels is refused before decoding, and nothing is written', async () => {
    const bomb = pngClaiming(30_000, 30_000);
    expect(bomb.length).toBeLessThan(200);
    const before = await t.infra.eventStore.headPosition();
    const response = await upload(bomb);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'logo-dimensions-too-large', detail: 'The logo is 30000 x 30000 pixels; at most 4096 pixels on a side are accepted' });
    expect(await t.infra.eventStore.headPosition()).toBe(before);
  });

  test('a real image of 4,097 px on a side is refused; 4,096 is accepted and stored at 512', async () => {
    const wide = await sharp({ create: { width: 4097, height: 8, channels: 3, background: '#336699' } }).png().toBuffer();
    expect((await upload(wide)).body.code).toBe('logo-dimensions-too-large');
    const widest = await sharp({ create: { width: 4096, height: 2048, channels: 3, background: '#336699' } }).png().toBuffer();
    expect((await upload(widest)).status).toBe(200);
    const url = (await t.http().get(`/organizations/${orgId}`).set('Authorization', root)).body.logoUrl;
    const stored = await sharp((await t.http().get(url).buffer(true).parse(binary)).body as Buffer).metadata();
    expect([stored.width, stored.height]).toEqual([512, 256]);
  });

  test('a BMP header that claims 30,000 px is refused before bmp-ts decodes it', async () => {
    const bmp = Buffer.from(encodeBmp({ width: 2, height: 2, data: Buffer.alloc(16, 0xff), bitPP: 24 }).data);
    bmp.writeInt32LE(30_000, 18);
    bmp.writeInt32LE(30_000, 22);
    expect((await upload(bmp)).body).toMatchObject({ code: 'logo-dimensions-too-large' });
  });

  test('an image whose pixels do not decode is refused as unreadable', async () => {
    const real = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#aa3300' } }).jpeg().toBuffer();
    const truncated = real.subarray(0, Math.floor(real.length / 2));
    const response = await upload(truncated);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('logo-unreadable');
    const noise = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(300, 7)]);
    expect((await upload(noise)).body.code).toBe('logo-unreadable');
  });

  test('EXIF and GPS are stripped; a large photo is stored at most 512 px on its longest side', async () => {
    const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#22aa44' } })
      .withExif({ IFD0: { Copyright: 'Secret Camera Owner', Artist: 'Ada' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 29/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 40/1' } })
      .jpeg()
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    expect((await upload(photo)).status).toBe(200);
    const url = (await t.http().get(`/organizations/${orgId}`).set('Authorization', root)).body.logoUrl;
    const served = (await t.http().get(url).buffer(true).parse(binary)).body as Buffer;
    const metadata = await sharp(served).metadata();
    expect({ width: metadata.width, height: metadata.height, format: metadata.format, exif: metadata.exif, icc: metadata.icc, xmp: metadata.xmp }).toEqual({
      width: 512,
      height: 384,
      format: 'jpeg',
      exif: undefined,
      icc: undefined,
      xmp: undefined,
    });
    expect(served.includes(Buffer.from('Secret Camera Owner'))).toBe(false);
  });

  test('the upload stays admin-only; the public copy needs no sign-in', async () => {
    await inviteAndSetUp(t, root, orgId, { email: 'teacher@logo.test', roles: ['instructor'] }, 'logo-teacher-password');
    const teacher = await t.login('teacher@logo.test', 'logo-teacher-password');
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000000' } }).png().toBuffer();
    expect((await upload(png, teacher)).status).toBe(403);
  });
});
