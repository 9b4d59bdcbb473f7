import * as vscode from 'vscode';
import { parseInputShape, shapeToText } from './text/inputShape';

const KEY_PREFIX = 'convLens.inputShape:';

/** Input shapes set per file with "Set Input Shape", kept in the workspace state. */
export class InputShapes {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  get(uri: vscode.Uri): bigint[] | null {
    const text = this.state.get<string>(KEY_PREFIX + uri.toString());
    if (text === undefined) return null;
    const parsed = parseInputShape(text);
    return parsed.ok ? parsed.shape : null;
  }

  async set(uri: vscode.Uri, shape: bigint[] | null): Promise<void> {
    await this.state.update(KEY_PREFIX + uri.toString(), shape ? shapeToText(shape) : undefined);
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
