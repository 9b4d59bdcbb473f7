/**
 * Stands in for the extension host of the model view inside a plain browser page: it analyses a
 * file of examples/ (named by `?file=`) with the real analysis, sends it with the host's own wire
 * builder, and answers what-ifs with the real engine, over the real protocol. Tests read what the
 * page sent from `window.__sent`.
 */
import { analyzeFile } from '../../../src/analysis';
import { whatIfModel } from '../../../src/analysis/whatif/whatIf';
import { modelAtLine, modelWire, planFromWire, whatIfWire } from '../../../src/extension/modelView/wire';
import { ModelHostMessage, ModelPageMessage, parseModelPageMessage } from '../../../src/protocol/modelView';

interface TestWindow {
  __sent: unknown[];
  __rejected: string[];
  __cspViolations: string[];
  __whatIfMillis: number[];
  __hostSend(message: unknown): void;
  acquireVsCodeApi(): unknown;
}

const w = window as unknown as TestWindow & Window;
const params = new URLSearchParams(location.search);
w.__sent = [];
w.__rejected = [];
w.__cspViolations = [];
w.__whatIfMillis = [];
document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
w.__hostSend = (message: unknown) => window.postMessage(message, '*');
const send = (message: ModelHostMessage): void => w.__hostSend(message);

const file = params.get('file') ?? 'mobilenet_v2.py';
let source: string | null = null;
let entry: string | null = params.get('entry');
const options = () => ({ file: `/work/examples/${file}`, host: { readFile: () => undefined } });

let acquired = false;
w.acquireVsCodeApi = () => {
  if (acquired) throw new Error('acquireVsCodeApi may only be called once');
  acquired = true;
  return {
    postMessage(data: unknown) {
      w.__sent.push(data);
      const parsed = parseModelPageMessage(data);
      if (!parsed.ok) {
        w.__rejected.push(parsed.error);
        return;
      }
      void answer(parsed.value);
    },
    getState: () => JSON.parse(sessionStorage.getItem('state') ?? 'null'),
    setState: (state: unknown) => sessionStorage.setItem('state', JSON.stringify(state)),
  };
};

async function answer(message: ModelPageMessage): Promise<void> {
  switch (message.type) {
    case 'ready':
      source = await (await fetch(`/examples/${encodeURIComponent(file)}`)).text();
      return showModel();
    case 'selectModel':
      entry = message.entry;
      return showModel();
    case 'whatIf': {
      if (!source || !entry) return undefined;
      const started = performance.now();
      const result = whatIfModel(options(), source, entry, planFromWire(message.plan));
      w.__whatIfMillis.push(performance.now() - started);
      return send({ type: 'whatIfResult', seq: message.seq, result: whatIfWire(result) });
    }
    case 'apply':
      return send({ type: 'applyResult', ok: true, message: `Applied: ${message.plan.transformations.map((t) => t.kind).join(', ')}` });
    default:
      return undefined;
  }
}

function showModel(): void {
  if (!source) return;
  const analysis = analyzeFile(source, options());
  const model = (entry && analysis.models.find((m) => m.entry === entry)) || modelAtLine(analysis.models, Number.MAX_SAFE_INTEGER);
  if (!model) return send({ type: 'noModel', reason: 'No model in this file.' });
  entry = model.entry;
  send({ type: 'showModel', model: modelWire(analysis, model, `file:///work/examples/${file}`, file) });
}
