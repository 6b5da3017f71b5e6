"""examples/quickstart.ipynb runs top to bottom in a real Jupyter kernel (nbclient +
ipykernel) and shows the progress bar, the summary, the model graph and the history plot."""
import os

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")
MNIST = os.path.join(EXAMPLES, "..", "..", "shared", "data", "mnist")


def _text(cell):
    pieces = []
    for output in cell.get("outputs", []):
        pieces.append(output.get("text", ""))
        pieces.extend(str(value) for key, value in output.get("data", {}).items() if key.startswith("text/"))
    return "".join(pieces)


@pytest.mark.skipif(not os.path.isdir(MNIST), reason="the shared MNIST data is not beside the repository")
def test_quickstart_notebook_executes():
    notebook = nbformat.read(os.path.join(EXAMPLES, "quickstart.ipynb"), as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": EXAMPLES}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:  # pragma: no cover - shows the traceback
        pytest.fail(f"the notebook failed:\n{error}")
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    everything = "\n".join(_text(cell) for cell in code)
    assert "Total params" in everything                      # summary()
    assert "125/125" in everything and "accuracy" in everything  # fit's progress bar
    assert "Test accuracy:" in everything
    accuracy = float(everything.split("Test accuracy:")[1].split()[0])
    assert accuracy > 0.85
    outputs = [output for cell in code for output in cell.get("outputs", [])]
    assert any("image/png" in output.get("data", {}) for output in outputs)      # plot_history
    assert any("image/svg+xml" in output.get("data", {}) for output in outputs)  # plot_model
