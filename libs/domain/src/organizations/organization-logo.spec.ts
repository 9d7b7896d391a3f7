import { describe, expect, test } from '@jest/globals';
import { detectLogoFormat } from './logo.js';
import { created, id, logo, spec } from '../testing/organization.js';

describe('Logo', () => {
  test('changing the logo records its content address', () => {
    spec([created]).when({ type: 'ChangeOrganizationLogo', data: { logo } }).then([{ type: 'OrganizationLogoChanged', data: { organizationId: id, logo } }]);
  });

  test('uploading the same image again changes nothing', () => {
    spec([created, { type: 'OrganizationLogoChanged', data: { organizationId: id, logo } }])
      .when({ type: 'ChangeOrganizationLogo', data: { logo } })
      .thenNothingHappens();
  });

  test('removing the logo, and removing it when there is none', () => {
    spec([created, { type: 'OrganizationLogoChanged', data: { organizationId: id, logo } }])
      .when({ type: 'RemoveOrganizationLogo', data: {} })
      .then([{ type: 'OrganizationLogoRemoved', data: { organizationId: id } }]);
    spec([created]).when({ type: 'RemoveOrganizationLogo', data: {} }).thenNothingHappens();
  });

  test.each([
    ['JPEG', [0xff, 0xd8, 0xff, 0xe0], 'image/jpeg'],
    ['PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'image/png'],
    ['WebP', [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBPVP8 ')], 'image/webp'],
    ['BMP', [...Buffer.from('BM'), ...new Array(30).fill(0)], 'image/bmp'],
    ['TIFF (little endian)', [0x49, 0x49, 0x2a, 0x00], 'image/tiff'],
    ['TIFF (big endian)', [0x4d, 0x4d, 0x00, 0x2a], 'image/tiff'],
    ['GIF', [...Buffer.from('GIF89a')], null],
    ['SVG', [...Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')], null],
    ['HTML named .png', [...Buffer.from('<html>')], null],
    ['RIFF that is not WebP', [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WAVE')], null],
  ])('recognises %s by its bytes', (_label, bytes, expected) => {
    expect(detectLogoFormat(Uint8Array.from(bytes as number[]))).toBe(expected);
  });
});
