/** The invoice's QR code, made here (node-qrcode), nothing fetched: an SVG of the link. */
import QRCode from 'qrcode';

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
