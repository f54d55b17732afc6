import { TideflowError } from '@tideflow/core';

/**
 * Thrown when a notebook file is not what it claims to be: an `.ipynb` that is not nbformat 4
 * JSON (`cellIndex` names the first bad cell), or a percent-format script whose header cannot be
 * read. Thrown before anything is written or executed.
 */
export class NotebookFormatError extends TideflowError {
  constructor(
    /** The file concerned. */
    readonly file: string,
    detail: string,
    /** The index of the offending cell (0-based), when one cell is at fault. */
    readonly cellIndex?: number,
    options?: { cause?: unknown },
  ) {
    super(
      'NOTEBOOK_FORMAT',
      `${file}${cellIndex === undefined ? '' : `, cell ${cellIndex}`}: ${detail}`,
      options,
    );
  }
}

/**
 * Thrown before a notebook runs when a parameter cannot be injected: its name is not an
 * identifier of the kernel's language, or its value is not plain data (string, finite or
 * non-finite number, boolean, null, arrays and plain objects of those).
 */
export class NotebookParameterError extends TideflowError {
  constructor(
    /** The parameter concerned (`a.b[2]` for a part of one). */
    readonly parameter: string,
    detail: string,
  ) {
    super('NOTEBOOK_PARAMETER', `Notebook parameter "${parameter}": ${detail}`);
  }
}

/**
 * The error of a notebook run in which a cell raised: the executed notebook (stored as an
 * artifact) shows the cell's error output, and this error carries the same facts.
 */
export class NotebookCellError extends TideflowError {
  constructor(
    /** The notebook that ran. */
    readonly notebook: string,
    /** The index of the failing cell (0-based) in the executed notebook. */
    readonly cellIndex: number,
    /** The error's name as the kernel reports it, e.g. `ValueError`. */
    readonly ename: string,
    /** The error's value (its message). */
    readonly evalue: string,
    /** The kernel's traceback lines (ANSI colour codes removed). */
    readonly traceback: readonly string[],
  ) {
    super(
      'NOTEBOOK_CELL',
      `${notebook}: cell ${cellIndex} raised ${ename}: ${evalue}\n${traceback.join('\n')}`,
    );
  }
}

/**
 * Thrown when a notebook cannot be executed at all: Python or nbclient is missing, the kernel is
 * not installed, or the kernel died. `stderr` holds what the executor printed.
 */
export class NotebookKernelError extends TideflowError {
  constructor(
    /** The notebook that was to run. */
    readonly notebook: string,
    /** The kernel's name. */
    readonly kernel: string,
    detail: string,
    /** The end of the executor's standard error. */
    readonly stderr: string = '',
  ) {
    super('NOTEBOOK_KERNEL', `${notebook} (kernel "${kernel}"): ${detail}`);
  }
}
