import * as fs from 'node:fs';
import * as path from 'node:path';

// Some tests read torchvision's model sources as a user's installed library (they are never
// committed and never run). They are where Debian's python3-torchvision installs them, or, on a
// machine without it, where scripts/ci/provision.sh unpacks that package alone.

const SYSTEM_SITE = '/usr/lib/python3/dist-packages';
const PROVISIONED_SITE = path.resolve(__dirname, '../../.cache/python3-torchvision/usr/lib/python3/dist-packages');

function holdsTorchvision(site: string): boolean {
  return fs.existsSync(path.join(site, 'torchvision', 'models', 'resnet.py'));
}

/** The site-packages folder that holds torchvision, or null when neither copy is there. */
export const TORCHVISION_SITE: string | null = [SYSTEM_SITE, PROVISIONED_SITE].find(holdsTorchvision) ?? null;

/** torchvision's models folder (absent when TORCHVISION_SITE is null, so existence checks still say no). */
export const TORCHVISION_MODELS = path.join(TORCHVISION_SITE ?? SYSTEM_SITE, 'torchvision', 'models');

/**
 * Makes the CLI (which finds libraries through PYTHONPATH and the system's folders, as it does for
 * a user) see the provisioned copy when the system has none.
 */
export function exposeTorchvisionToCli(): void {
  if (TORCHVISION_SITE === null || TORCHVISION_SITE === SYSTEM_SITE) return;
  const entries = (process.env.PYTHONPATH ?? '').split(path.delimiter).filter(Boolean);
  if (!entries.includes(TORCHVISION_SITE)) process.env.PYTHONPATH = [...entries, TORCHVISION_SITE].join(path.delimiter);
}

/** Why a test that needs torchvision's sources cannot run here. */
export const TORCHVISION_MISSING = `torchvision's sources are neither in ${SYSTEM_SITE} nor unpacked by scripts/ci/provision.sh into ${PROVISIONED_SITE}`;
