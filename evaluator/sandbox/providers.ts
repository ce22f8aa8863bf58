import { BaseChooser } from '../images/base-choice.js';
import type { ImagesConfig } from '../images/stand-ins.js';
import { DockerProvider } from './docker.js';
import { LocalProvider } from './local.js';
import { reapLeftovers } from './reaper.js';
import type { SandboxProvider } from './types.js';

// Where runs can happen. Adding a provider (a Kubernetes pod, a remote VM) is one file implementing SandboxProvider
// and one line here; config, flags and wiring read their choices from this table.

export interface SandboxProviderEntry {
  description: string;
  create(): SandboxProvider;
  /** Removes what dead evaluators of this workspace left behind (containers, volumes). */
  reap?(workspace: string | undefined): Promise<unknown>;
  /** Chooses a task's base image (pull or local stand-in) when the provider builds images. */
  baseChooser?(images: Partial<ImagesConfig> & { root?: string }): BaseChooser;
}

export const sandboxProviders = {
  docker: {
    description: 'a fresh Docker container per run (network off, memory/CPU/pid limits)',
    create: () => new DockerProvider(),
    reap: (workspace) => reapLeftovers(workspace ? { workspace } : {}),
    baseChooser: (images) =>
      new BaseChooser({
        bases: images.bases ?? {},
        pull: images.pull ?? 'auto',
        ...(images.root ? { root: images.root } : {}),
      }),
  },
  local: {
    description: 'a temporary folder on this machine (isolates nothing: for tests and trusted tasks)',
    create: () => new LocalProvider(),
  },
} satisfies Record<string, SandboxProviderEntry>;

export type SandboxKind = keyof typeof sandboxProviders;
export const SANDBOX_KINDS = Object.keys(sandboxProviders) as [SandboxKind, ...SandboxKind[]];

export function sandboxProvider(kind: SandboxKind): SandboxProviderEntry {
  return sandboxProviders[kind];
}
