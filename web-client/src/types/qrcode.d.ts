// The browser half of 'qrcode' (its @types package describes the Node half too and would pull
// Node's globals into the browser type check; web-client/tsconfig.json maps the import here).
declare module 'qrcode' {
  export interface QRCodeToDataURLOptions {
    errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
    margin?: number;
    width?: number;
  }
  export function toDataURL(text: string, options?: QRCodeToDataURLOptions): Promise<string>;
}
