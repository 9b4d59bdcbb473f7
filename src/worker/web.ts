// The analysis worker of VS Code for the Web (a Web Worker started by the browser extension
// host): no disk, so every imported file is asked of the host, which reads it with
// vscode.workspace.fs.
import { AnalysisService } from './service';

/** The parts of a dedicated worker's global scope used here (the project's lib is the DOM's). */
interface WorkerScope {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

const scope = self as unknown as WorkerScope;
const service = new AnalysisService({
  post: (message) => scope.postMessage(message),
  now: () => performance.now(),
  warn: (text) => console.warn(text),
});
scope.onmessage = (event) => service.handle(event.data);
