// wawoff2 ships no types. Only the decompressor is used: WOFF2 bytes in, TrueType bytes out.
declare module 'wawoff2/decompress.js' {
  export default function decompress(woff2: Uint8Array): Promise<Uint8Array>;
}
