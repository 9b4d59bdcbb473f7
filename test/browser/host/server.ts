/**
 * Serves the built comparison page on 127.0.0.1 the way VS Code would show it: the same HTML
 * shell and CSP as the extension (pageHtml), the theme variables VS Code injects, and a fake
 * host script (fakeHost.ts) that speaks the protocol. Run it by hand with
 * `node -r ./test/register.js test/browser/host/server.ts` to look at the page in a browser.
 */
import { buildSync } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeNonce, pageHtml } from '../../../src/extension/panel/html';

const ROOT = join(__dirname, '..', '..', '..');
const THEMES = ['light', 'dark', 'high-contrast'] as const;

export interface TestServer {
  origin: string;
  close(): Promise<void>;
}

/** Bundles the fake host for the browser; the page itself must already be built (npm run build). */
function bundleFakeHost(name = 'fakeHost.ts'): string {
  const result = buildSync({ entryPoints: [join(__dirname, name)], bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false });
  return result.outputFiles[0].text;
}

export async function startTestServer(): Promise<TestServer> {
  const fakeHost = bundleFakeHost();
  const fakeModelHost = bundleFakeHost('fakeModelHost.ts');
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const send = (type: string, body: string | Buffer): void => {
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    try {
      if (url.pathname === '/') {
        const origin = `http://${request.headers.host}`;
        const nonce = makeNonce((n) => randomBytes(n));
        const theme = (THEMES as readonly string[]).includes(url.searchParams.get('theme') ?? '') ? url.searchParams.get('theme')! : 'dark';
        const bodyClass = theme === 'light' ? 'vscode-light' : theme === 'dark' ? 'vscode-dark' : 'vscode-high-contrast';
        // ?page=model serves the model view (src/webview/modelView.ts) with its own fake host.
        const model = url.searchParams.get('page') === 'model';
        const html = pageHtml({ cspSource: origin, nonce, scriptUri: `${origin}/dist/webview/${model ? 'modelView' : 'main'}.js`, styleUri: `${origin}/media/webview/${model ? 'modelView' : 'compare'}.css` })
          // VS Code injects the theme's variables and a body class; the fake host must run before the page.
          .replace('<link rel="stylesheet"', `<link rel="stylesheet" href="${origin}/theme/${theme}.css">\n<link rel="stylesheet"`)
          .replace('<body>', `<body class="${bodyClass}">`)
          .replace('<script nonce=', `<script nonce="${nonce}" src="${origin}/${model ? 'model-host' : 'host'}.js"></script>\n<script nonce=`);
        return send('text/html; charset=utf-8', html);
      }
      // Browsers ask for a favicon; VS Code's webviews never do, so answer with nothing.
      if (url.pathname === '/favicon.ico') return void response.writeHead(204).end();
      if (url.pathname === '/host.js') return send('text/javascript', fakeHost);
      if (url.pathname === '/model-host.js') return send('text/javascript', fakeModelHost);
      if (url.pathname === '/dist/webview/modelView.js') return send('text/javascript', readFileSync(join(ROOT, 'dist', 'webview', 'modelView.js')));
      if (url.pathname === '/media/webview/modelView.css') return send('text/css', readFileSync(join(ROOT, 'media', 'webview', 'modelView.css')));
      // The example models the model view's fake host analyses (names only, no paths).
      const example = /^\/examples\/([A-Za-z0-9_]+\.py)$/.exec(url.pathname);
      if (example) return send('text/plain; charset=utf-8', readFileSync(join(ROOT, 'examples', example[1])));
      if (url.pathname === '/dist/webview/main.js') return send('text/javascript', readFileSync(join(ROOT, 'dist', 'webview', 'main.js')));
      // The sandbox's worker script and kernel builds, which the page fetches beside its own script.
      if (url.pathname === '/dist/webview/sandboxWorker.js') return send('text/javascript', readFileSync(join(ROOT, 'dist', 'webview', 'sandboxWorker.js')));
      const wasm = /^\/dist\/kernel\/(conv-simd|conv-relaxed)\.wasm$/.exec(url.pathname);
      if (wasm) return send('application/wasm', readFileSync(join(ROOT, 'dist', 'kernel', `${wasm[1]}.wasm`)));
      if (url.pathname === '/media/webview/compare.css') return send('text/css', readFileSync(join(ROOT, 'media', 'webview', 'compare.css')));
      const theme = /^\/theme\/([a-z-]+)\.css$/.exec(url.pathname);
      if (theme && (THEMES as readonly string[]).includes(theme[1])) return send('text/css', readFileSync(join(__dirname, 'themes', `${theme[1]}.css`)));
      response.writeHead(404).end();
    } catch (e) {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (require.main === module) {
  void startTestServer().then((s) => console.log(`${s.origin}/?layer=nn.Conv2d(64,128,3,padding=1,groups=4)&input=1,64,56,56`));
}
