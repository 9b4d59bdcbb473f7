import * as vscode from 'vscode';
import { activateConvLens } from './activate';
import { ConvLensContext } from './context';

/**
 * The browser entry (VS Code for the Web): no Node APIs, so imported files are read through
 * vscode.workspace.fs and arrive asynchronously.
 */
export function activate(context: vscode.ExtensionContext): ConvLensContext {
  return activateConvLens(context, undefined);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
