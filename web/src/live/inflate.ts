// Compressed live messages: with ?compress=deflate-raw the server sends large messages as
// binary WebSocket messages holding the JSON text in raw DEFLATE (RFC 1951), compressed once
// for every socket that carries them. The browser inflates them with DecompressionStream.

// Whether this browser can inflate raw DEFLATE (Chrome 103+, Firefox 113+, Safari 16.4+).
export function canInflateRaw(): boolean {
  try {
    if (typeof DecompressionStream === 'undefined') return false;
    new DecompressionStream('deflate-raw' as CompressionFormat);
    return true;
  } catch {
    return false;
  }
}

// The text of a live message: a text message as it is, a binary one inflated.
export async function messageText(data: unknown): Promise<string> {
  if (typeof data === 'string') return data;
  const bytes = data instanceof Blob ? data : new Blob([data as ArrayBuffer]);
  const stream = bytes.stream().pipeThrough(new DecompressionStream('deflate-raw' as CompressionFormat));
  return new Response(stream).text();
}
