/**
 * Stands in for the extension host inside a plain browser page: it provides acquireVsCodeApi
 * and answers the page's messages over the real protocol. The layer comes from the page URL,
 * e.g. `?layer=nn.Conv2d(64, 128, 3, padding=1)&input=1,64,56,56`, parsed by the same
 * layer-expression parser the CLI uses. Tests read what the page sent from `window.__sent`.
 */
import { parseLayerExpression } from '../../../src/analysis/model/layerExpression';
import { HostMessage, PageMessage, encodeSpec, parsePageMessage } from '../../../src/protocol/compare';

interface TestWindow {
  __sent: unknown[];
  __rejected: string[];
  __cspViolations: string[];
  __hostSend(message: unknown): void;
  acquireVsCodeApi(): unknown;
}

const w = window as unknown as TestWindow & Window;
const params = new URLSearchParams(location.search);
w.__sent = [];
w.__rejected = [];
w.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));

/** Delivers a message the way VS Code does: a message event on the page's window. */
w.__hostSend = (message: unknown) => window.postMessage(message, '*');
const send = (message: HostMessage): void => w.__hostSend(message);

let acquired = false;
w.acquireVsCodeApi = () => {
  if (acquired) throw new Error('acquireVsCodeApi may only be called once');
  acquired = true;
  return {
    postMessage(data: unknown) {
      w.__sent.push(data);
      const parsed = parsePageMessage(data);
      if (!parsed.ok) {
        w.__rejected.push(parsed.error);
        return;
      }
      answer(parsed.value);
    },
    getState: () => JSON.parse(sessionStorage.getItem('state') ?? 'null'),
    setState: (state: unknown) => sessionStorage.setItem('state', JSON.stringify(state)),
  };
};

function answer(message: PageMessage): void {
  switch (message.type) {
    case 'ready':
      return showLayerFromUrl();
    case 'apply':
      return send({ type: 'applyResult', ok: true, message: `Applied: ${JSON.stringify(message.request)}` });
    default:
      return undefined;
  }
}

function showLayerFromUrl(): void {
  const expression = params.get('layer');
  if (!expression) return send({ type: 'noLayer', reason: 'Put the cursor on a conv layer.' });
  const parsed = parseLayerExpression(expression);
  if (!parsed.ok) return send({ type: 'noLayer', reason: parsed.message });
  const input = params.get('input');
  send({
    type: 'showLayer',
    layer: {
      spec: encodeSpec(parsed.spec),
      input: input ? input.split(',').map((d) => d.trim()) : null,
      source: { uri: 'file:///work/model.py', line: 12, column: 20, endLine: 12, endColumn: 20 + expression.length, label: 'model.py:12', text: expression },
    },
  });
}
