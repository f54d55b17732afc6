"""Executes one notebook headlessly with nbclient, for @tideflow/notebooks.

Usage: driver.py INPUT OUTPUT RESULT KERNEL CWD

Writes the executed notebook to OUTPUT after every cell (so a run that is stopped still leaves
what it did), and on exit a JSON object to RESULT: {"status": "ok"}, {"status": "error",
"cell_index", "ename", "evalue", "traceback"} for a failing cell, {"status": "stopped"} after
SIGTERM, or {"status": "failed", "message"} when the kernel could not run. On SIGTERM the kernel
is shut down (its whole process group is killed) before exiting.
"""

import json
import os
import signal
import sys


class Stopped(Exception):
    """Raised in the main thread by SIGTERM."""


def on_sigterm(_signum, _frame):
    raise Stopped()


def kernel_pid(client):
    """The kernel's process id, if it was started."""
    manager = getattr(client, "km", None)
    provisioner = getattr(manager, "provisioner", None) if manager is not None else None
    process = getattr(provisioner, "process", None) if provisioner is not None else None
    return getattr(process, "pid", None)


def kill_kernel(client):
    """Kills the kernel's process group (jupyter_client starts it in a session of its own)."""
    pid = kernel_pid(client)
    if pid is None:
        return
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
            return
        except (ProcessLookupError, PermissionError, OSError):
            continue


def main():
    signal.signal(signal.SIGTERM, on_sigterm)
    source, output, result_path, kernel, cwd = sys.argv[1:6]
    result = {"status": "failed", "message": "the driver did not finish"}
    nb = None
    client = None
    failed = {}
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, DeadKernelError

        nb = nbformat.read(source, as_version=4)

        def save(**_):
            nbformat.write(nb, output)

        def on_error(cell=None, cell_index=None, **_):
            failed["index"] = cell_index

        client = NotebookClient(
            nb,
            kernel_name=kernel,
            resources={"metadata": {"path": cwd}},
            timeout=None,
            allow_errors=False,
            on_cell_executed=save,
            on_cell_error=on_error,
        )
        try:
            client.execute()
            result = {"status": "ok"}
        except CellExecutionError as error:
            index = failed.get("index")
            outputs = nb.cells[index].get("outputs", []) if index is not None else []
            err = next((o for o in outputs if o.get("output_type") == "error"), None)
            result = {
                "status": "error",
                "cell_index": index,
                "ename": err.get("ename") if err else getattr(error, "ename", "Error"),
                "evalue": err.get("evalue") if err else getattr(error, "evalue", str(error)),
                "traceback": list(err.get("traceback", [])) if err else str(error).splitlines(),
            }
        except DeadKernelError as error:
            result = {"status": "failed", "message": "the kernel died: %s" % error}
    except Stopped:
        result = {"status": "stopped"}
    except Exception as error:  # the executor's own failure: report it, do not hide it
        result = {"status": "failed", "message": "%s: %s" % (type(error).__name__, error)}
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if client is not None and result["status"] != "ok":
            kill_kernel(client)
        if nb is not None:
            try:
                import nbformat

                nbformat.write(nb, output)
            except Exception:  # pylint: disable=broad-except
                pass
        with open(result_path, "w", encoding="utf-8") as handle:
            json.dump(result, handle)


if __name__ == "__main__":
    main()
