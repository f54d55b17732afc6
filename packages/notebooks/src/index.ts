/**
 * `@tideflow/notebooks`: Jupyter notebooks as tideflow tasks (parameters injected as papermill
 * does, executed headlessly, the executed copy kept as a run artifact), and jupytext's percent
 * format (`// %%` cells) to keep TypeScript notebooks as scripts.
 *
 * @packageDocumentation
 */
export {
  NotebookFormatError,
  NotebookParameterError,
  NotebookCellError,
  NotebookKernelError,
} from './errors.js';
export { parseNotebook, serializeNotebook } from './nbformat.js';
export type { Notebook, NotebookCell, NotebookOutput, JsonValue, JsonObject } from './nbformat.js';
export {
  percentToNotebook,
  notebookToPercent,
  PERCENT_LANGUAGES,
  PERCENT_FORMAT_VERSION,
} from './percent.js';
export type { PercentOptions } from './percent.js';
export { combineInputsWithOutputs, matchCells } from './combine.js';
export { readNotebookFile, pairedFile, convertNotebookFile, syncNotebookFiles } from './files.js';
export type { NotebookFileResult } from './files.js';
export { notebookTask } from './notebook-task.js';
export type { NotebookTaskOptions, NotebookRun } from './notebook-task.js';
export type { NotebookArtifact } from './outputs.js';
export {
  injectParameters,
  parameterLiteral,
  checkParameters,
  PARAMETERS_TAG,
  INJECTED_PARAMETERS_TAG,
} from './parameters.js';
export type { NotebookParameters, ParameterValue, ParameterLanguage } from './parameters.js';
export { DEFAULT_PYTHON } from './kernels.js';
