import { decode as decodeBmp } from 'bmp-ts';
import sharp, { type Metadata, type Sharp } from 'sharp';
import type { LogoFormat } from '#domain';

/** Larger sides are refused before decoding: a header that claims 30,000 px must not reach a decoder. */
export const LOGO_MAX_INPUT_SIDE = 4096;
/** What is stored and served: a logo never needs more, and 512 px keeps every setup page light. */
export const LOGO_MAX_OUTPUT_SIDE = 512;

export type StoredLogoFormat = 'image/png' | 'image/jpeg' | 'image/webp';

export class LogoRejected extends Error {
  constructor(
    readonly code: 'logo-unreadable' | 'logo-dimensions-too-large',
    message: string,
  ) {
    super(message);
  }
}

const tooLarge = (width: number, height: number) =>
  new LogoRejected('logo-dimensions-too-large', `The logo is ${width} x ${height} pixels; at most ${LOGO_MAX_INPUT_SIDE} pixels on a side are accepted`);
const unreadable = () => new LogoRejected('logo-unreadable', 'The logo could not be read as an image; it may be damaged');

/**
 * An upload is decoded and re-encoded, never stored as sent: its header is not trusted
 * (sizes are checked before any pixel is decoded), the whole image must decode, it is
 * scaled to at most 512 px on its longest side, and what comes out carries no metadata
 * (EXIF, GPS, comments): sharp writes none unless asked. JPEG and WebP keep their
 * format; PNG, TIFF and BMP become PNG, lossless.
 */
export async function normalizeLogo(bytes: Buffer, format: LogoFormat): Promise<{ bytes: Buffer; contentType: StoredLogoFormat }> {
  let image: Sharp;
  if (format === 'image/bmp') {
    // libvips has no BMP loader: bmp-ts decodes it, after the header's size is checked.
    if (bytes.length < 26) throw unreadable();
    const width = bytes.readInt32LE(18);
    const height = Math.abs(bytes.readInt32LE(22));
    if (width <= 0 || height <= 0) throw unreadable();
    if (width > LOGO_MAX_INPUT_SIDE || height > LOGO_MAX_INPUT_SIDE) throw tooLarge(width, height);
    let decoded: { width: number; height: number; data: Buffer };
    try {
      decoded = decodeBmp(bytes, { toRGBA: true });
    } catch {
      throw unreadable();
    }
    if (decoded.data.length < decoded.width * decoded.height * 4) throw unreadable();
    // BMP alpha is unused in most files (and zero in 24-bit ones): dropped, not trusted.
    image = sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 4 } }).removeAlpha();
  } else {
    let metadata: Metadata;
    try {
      // Reads the header only: no pixel is decoded here, whatever size it claims.
      metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch {
      throw unreadable();
    }
    if (!metadata.width || !metadata.height) throw unreadable();
    if (metadata.width > LOGO_MAX_INPUT_SIDE || metadata.height > LOGO_MAX_INPUT_SIDE) throw tooLarge(metadata.width, metadata.height);
    // EXIF orientation is applied to the pixels before the EXIF goes.
    image = sharp(bytes, { failOn: 'error', limitInputPixels: LOGO_MAX_INPUT_SIDE * LOGO_MAX_INPUT_SIDE }).rotate();
  }
  image = image.resize({ width: LOGO_MAX_OUTPUT_SIDE, height: LOGO_MAX_OUTPUT_SIDE, fit: 'inside', withoutEnlargement: true });
  const contentType: StoredLogoFormat = format === 'image/jpeg' ? 'image/jpeg' : format === 'image/webp' ? 'image/webp' : 'image/png';
  const encoded = contentType === 'image/jpeg' ? image.jpeg({ quality: 88 }) : contentType === 'image/webp' ? image.webp({ quality: 88 }) : image.png();
  try {
    return { bytes: await encoded.toBuffer(), contentType };
  } catch {
    // A header that parses over pixels that do not: truncated or damaged data.
    throw unreadable();
  }
}
