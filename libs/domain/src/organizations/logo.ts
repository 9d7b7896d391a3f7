/**
 * Logos are recognised by their bytes, never by a file name or a declared type: a
 * `.png` that is really an HTML page must not be served back as an image.
 */
export type LogoFormat = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/bmp' | 'image/tiff';

/** What the event log keeps of a logo: a content address, not the bytes. */
export interface LogoRef {
  sha256: string;
  contentType: LogoFormat;
  size: number;
}

/** 2 MiB: ample for a logo, small enough to keep blobs and replicas cheap. */
export const LOGO_MAX_BYTES = 2 * 1024 * 1024;

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

export function detectLogoFormat(bytes: Uint8Array): LogoFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  // RIFF....WEBP
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  // "BM" followed by a plausible header: the file size field must be at least the header size.
  if (startsWith(bytes, [0x42, 0x4d]) && bytes.length >= 26) return 'image/bmp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  return null;
}
