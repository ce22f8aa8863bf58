// Sandboxes: the Docker provider (the real one), the local provider (isolates nothing), and the reaper.
export * from './types.js';
export { SandboxError, fromDockerError } from './errors.js';
export {
  DockerProvider,
  DockerSandbox,
  DEFAULT_LIMITS,
  OWNER_LABEL,
  SANDBOX_LABEL,
  ownerTag,
  type DockerProviderOptions,
} from './docker.js';
export { LocalProvider, LocalSandbox, LOCAL_SANDBOX_WARNING, type LocalProviderOptions } from './local.js';
export { reapLeftovers, ownerIsGone, type ReapOptions, type ReapReport } from './reaper.js';
export { CappedOutput, DEFAULT_OUTPUT_CAP } from './output.js';
