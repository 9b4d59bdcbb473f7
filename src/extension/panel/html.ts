/**
 * The comparison page's HTML: a shell with no data in it. Everything the page shows arrives
 * later by postMessage. Editor-free, so the browser test host serves exactly this markup.
 */
export interface PageResources {
  /** The webview's resource origin (webview.cspSource), or the test server's origin. */
  cspSource: string;
  /** A fresh random nonce per page load. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** The page's title (the comparison page's by default). */
  title?: string;
}

/**
 * The page's Content Security Policy. Nothing loads from anywhere but the extension's own files;
 * scripts run only with the nonce. 'wasm-unsafe-eval' and worker-src are there for the sandbox
 * run (the WebAssembly kernel in a Web Worker, started from the extension's file or a blob: URL),
 * and connect-src lets that worker fetch the extension's .wasm file.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval'`,
    `worker-src ${cspSource} blob:`,
    `connect-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function pageHtml(resources: PageResources): string {
  const { nonce } = resources;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(contentSecurityPolicy(resources.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attribute(resources.styleUri)}">
<title>${attribute(resources.title ?? 'Conv Lens: compare')}</title>
</head>
<body>
<div id="root"></div>
<script nonce="${attribute(nonce)}" src="${attribute(resources.scriptUri)}"></script>
</body>
</html>
`;
}

/** A nonce of 32 characters from [A-Za-z0-9], drawn from a cryptographic source. */
export function makeNonce(random: (bytes: number) => Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(random(32), (b) => alphabet[b % alphabet.length]).join('');
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Random bytes from Web Crypto, which both the desktop (Node) and the web extension hosts have
 * on current VS Code. Older desktop hosts (Node 16) lack the global; they get Math.random, as
 * VS Code's own webview samples use for nonces.
 */
export function randomBytes(count: number): Uint8Array {
  const bytes = new Uint8Array(count);
  const webCrypto = (globalThis as { crypto?: { getRandomValues?(array: Uint8Array): Uint8Array } }).crypto;
  if (webCrypto?.getRandomValues) return webCrypto.getRandomValues(bytes);
  return bytes.map(() => Math.floor(Math.random() * 256));
}
