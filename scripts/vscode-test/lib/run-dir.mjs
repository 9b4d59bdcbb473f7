// A fresh folder per run: HOME, XDG folders, code-server's user data and extensions, and a copy
// of the fixture workspace, so no run sees another run's state or writes into the real home.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureWorkspace } from './paths.mjs';

/** Settings that keep the workbench the same from run to run. */
export const deterministicSettings = {
  // Without this a walkthrough page opens and steals focus.
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.editor.enablePreview': false,
  // A file reopened by a later test starts at its top, not where an earlier test left it.
  'workbench.editor.restoreViewState': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'files.autoSave': 'off',
  'files.hotExit': 'off',
  'editor.minimap.enabled': false,
};

export function createRunDir(label) {
  const root = mkdtempSync(join(tmpdir(), `conv-lens-${label}-`));
  const dirs = {
    root,
    home: join(root, 'home'),
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    workspace: join(root, 'workspace'),
    config: join(root, 'config.yaml'),
  };
  for (const dir of [dirs.home, join(dirs.userData, 'User'), dirs.extensions]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dirs.userData, 'User/settings.json'), JSON.stringify(deterministicSettings, null, 2));
  writeFileSync(dirs.config, 'auth: none\ncert: false\n');
  cpSync(fixtureWorkspace, dirs.workspace, { recursive: true });
  return dirs;
}

/** Environment for code-server: everything it and its extension host write stays in the run dir. */
export function runEnv(dirs, extra = {}) {
  return {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_DATA_HOME: join(dirs.home, '.local/share'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
    // No extension gallery: code-server would otherwise ask open-vsx.org about extensions.
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

export function removeRunDir(dirs) {
  if (process.env.CONV_LENS_KEEP_RUN_DIR) {
    console.log(`[harness] kept run folder ${dirs.root}`);
    return;
  }
  rmSync(dirs.root, { recursive: true, force: true });
}
