import * as vscode from 'vscode';

/** Activation wires adapters together and does nothing heavy: analysis starts on first use. */
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('convLens.analyzeLayer', () => vscode.window.showInformationMessage('Conv Lens: Analyze Layer is being built.')),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
