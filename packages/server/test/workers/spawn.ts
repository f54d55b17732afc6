import { startScript, type ScriptProcess } from '../../../../test/helpers/script-process.js';

export {
  firstLine,
  type ScriptProcess as Worker,
} from '../../../../test/helpers/script-process.js';

/** Runs `workers/<name>.ts` in a child process (see `startScript`). */
export function startWorker(
  name: string,
  args: string[],
  env: Record<string, string> = {},
): ScriptProcess {
  return startScript(new URL(`./${name}.ts`, import.meta.url), args, env);
}
