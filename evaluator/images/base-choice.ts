import Docker from 'dockerode';
import type { ImageRecipe } from '../sandbox/types.js';
import { imageExists, pullImage } from './base.js';
import { type BaseMapping, findBase, type ImagesConfig, standInRecipe } from './stand-ins.js';

// Which image a task's FROM line gets: the image itself when it is here or can be pulled, else its local stand-in
// (evolve.json images.bases + the shipped defaults). Decided once per image per process; the first failed pull
// marks the registry unreachable for the rest of the process, so an offline machine pays for one pull, not one per
// task. The choice is recorded on every run that used it.

export interface BaseChoice {
  /** The image the task names. */
  from: string;
  /** present: already here; pulled: fetched now; stand-in: the local recipe; as-named: left to the build to find. */
  used: 'present' | 'pulled' | 'stand-in' | 'as-named';
  /** Why a pull was not used (its error), when a stand-in was. */
  pullError?: string;
  mapping?: BaseMapping;
  recipe?: ImageRecipe;
}

export class BaseChooser {
  private readonly choices = new Map<string, Promise<BaseChoice>>();
  private registryDown: string | undefined;

  constructor(
    private readonly config: ImagesConfig & { root?: string },
    private readonly docker: Docker = new Docker(),
  ) {}

  choose(from: string): Promise<BaseChoice> {
    let choice = this.choices.get(from);
    if (!choice) {
      choice = this.decide(from);
      this.choices.set(from, choice);
      choice.catch(() => this.choices.delete(from));
    }
    return choice;
  }

  /** The stand-in for an image without asking the engine (local sandboxes, `pull: never`), if one is mapped. */
  standIn(from: string): BaseChoice {
    const mapping = findBase(from, this.config.bases);
    if (!mapping) return { from, used: 'as-named' };
    return { from, used: 'stand-in', mapping, recipe: standInRecipe(mapping, this.config.root) };
  }

  /** The choice as the engine stands now, never pulling: what a run would use if the registry were unreachable. */
  async withoutPull(from: string): Promise<BaseChoice> {
    const mapping = findBase(from, this.config.bases);
    // evolve's own aliases (evolve/...) name recipes, never registry images.
    if (mapping && from.startsWith('evolve/')) return this.standIn(from);
    if (await imageExists(this.docker, from)) return { from, used: 'present' };
    return this.standIn(from);
  }

  private async decide(from: string): Promise<BaseChoice> {
    const here = await this.withoutPull(from);
    if (here.used === 'present' || (from.startsWith('evolve/') && here.mapping) || this.config.pull === 'never')
      return here;
    if (this.registryDown === undefined) {
      try {
        await pullImage(this.docker, from);
        return { from, used: 'pulled' };
      } catch (error) {
        const message = (error as Error).message.split('\n')[0] ?? String(error);
        // An image the registry does not have (a typo, a private one) says nothing about the registry.
        if (!/not found|manifest unknown|unauthorized|denied/i.test(message)) this.registryDown = message;
        return { ...this.standIn(from), pullError: message };
      }
    }
    return { ...this.standIn(from), pullError: `registry unreachable earlier in this process: ${this.registryDown}` };
  }
}
