import { reapLeftovers } from '../evaluator/sandbox/reaper.js';

// Ctrl-C and SIGTERM for long commands (eval, next-generation, run): the first stops starting runs and cancels the
// ones in flight (they go back to pending and their containers are removed as each run ends); if that has not
// finished within the grace period, or on a second signal, this process's containers are removed and it exits 130.
// Either way the next invocation resumes: nothing is left `running` by a live process.

export interface Interrupt {
  signal: AbortSignal;
  release: () => void;
}

/** Removes this process's containers (and those of dead evolve processes); Docker being unreachable is not an error. */
export async function removeOwnContainers(): Promise<number> {
  try {
    const r = await reapLeftovers({ own: true });
    return r.containers.length;
  } catch {
    return 0;
  }
}

export function onInterrupt(o: { resume: string; graceMs?: number }): Interrupt {
  const ctl = new AbortController();
  const graceMs = o.graceMs ?? Number(process.env.EVOLVE_INTERRUPT_GRACE_MS ?? 20_000);
  let forced = false;
  const force = async () => {
    if (forced) return;
    forced = true;
    process.stderr.write('Stopping now: removing this process’s containers.\n');
    await removeOwnContainers();
    process.exit(130);
  };
  const handler = (sig: NodeJS.Signals) => {
    if (ctl.signal.aborted) return void force();
    process.stderr.write(
      `\n${sig === 'SIGTERM' ? 'Terminated' : 'Interrupted'}: no new runs start; runs in flight are cancelled and put back to pending (${sig === 'SIGINT' ? 'Ctrl-C again' : 'a second signal'} stops at once). ${o.resume}\n`,
    );
    ctl.abort(new Error('interrupted'));
    setTimeout(() => void force(), graceMs).unref();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ctl.signal,
    release: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
