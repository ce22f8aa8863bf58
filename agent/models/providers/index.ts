import type { ModelProvider, ParsedModelName } from '../provider.js';
import { anthropic } from './anthropic.js';
import { offline } from './offline.js';
import { openai } from './openai.js';
import { openaiCompatible } from './openai-compatible.js';
import { replay } from './replay.js';
import { scripted } from './scripted.js';

// The model providers evolve knows. To add one: a file beside these exporting a ModelProvider, and one line here.
export const MODEL_PROVIDERS: ReadonlyArray<ModelProvider<ParsedModelName>> = [
  anthropic,
  openai,
  openaiCompatible,
  offline,
  scripted,
  replay,
];
