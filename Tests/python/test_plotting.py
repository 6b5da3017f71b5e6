"""plot_model (SVG always, PNG through Pillow or matplotlib) and plot_history."""
import builtins
import xml.etree.ElementTree as ElementTree

import pytest

from swiftdl.keras import layers, models, utils

SVG = "{http://www.w3.org/2000/svg}"


def functional_model():
    inputs = layers.Input((4,), name="features")
    left = layers.Dense(3, name="left")(inputs)
    right = layers.Dense(3, activation="relu", name="right")(inputs)
    outputs = layers.Add(name="merge")([left, right])
    return models.Model(inputs, outputs)


def test_plot_model_svg_draws_every_layer_and_edge(tmp_path):
    path = tmp_path / "model.svg"
    utils.plot_model(functional_model(), to_file=path, show_shapes=True, show_layer_names=True,
                     show_layer_activations=True)
    root = ElementTree.parse(path).getroot()
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for name in ("features (InputLayer)", "left (Dense)", "right (Dense)", "merge (Add)", "activation: relu"):
        assert name in texts
    assert any("(None, 3)" in t for t in texts)
    assert len(list(root.iter(f"{SVG}line"))) == 4  # input→left, input→right, left→merge, right→merge
    # Boxes in rows: the input above the two Dense layers, which sit above the Add.
    boxes = {g.findall(f"{SVG}text")[0].text: float(g.find(f"{SVG}rect").get("y")) for g in root.iter(f"{SVG}g")}
    assert boxes["features (InputLayer)"] < boxes["left (Dense)"] == boxes["right (Dense)"] < boxes["merge (Add)"]


def test_plot_model_sequential_lr_and_png(tmp_path):
    model = models.Sequential([layers.Input((8,)), layers.Dense(4), layers.Dense(2)])
    svg = tmp_path / "seq.svg"
    utils.plot_model(model, to_file=svg, rankdir="LR")
    assert len(list(ElementTree.parse(svg).getroot().iter(f"{SVG}line"))) == 2
    try:
        import PIL  # noqa: F401
    except ImportError:
        pytest.importorskip("matplotlib")
    png = tmp_path / "seq.png"
    utils.plot_model(model, to_file=png, dpi=96)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="rankdir"):
        utils.plot_model(model, to_file=svg, rankdir="BT")
    with pytest.raises(ValueError, match=".svg or .png"):
        utils.plot_model(model, to_file=tmp_path / "model.pdf")


def test_plot_history(tmp_path):
    pytest.importorskip("matplotlib")
    history = {"loss": [1.0, 0.5, 0.25], "accuracy": [0.5, 0.7, 0.8], "val_loss": [1.1, 0.6, 0.4]}
    figure = utils.plot_history(history, to_file=tmp_path / "history.png")
    assert [axis.get_title() for axis in figure.axes] == ["loss", "accuracy"]
    assert [line.get_label() for line in figure.axes[0].get_lines()] == ["loss", "val_loss"]
    assert (tmp_path / "history.png").stat().st_size > 0
    with pytest.raises(ValueError, match="Unknown metrics"):
        utils.plot_history(history, metrics=["auc"])


def test_plot_history_without_matplotlib_says_so(monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        utils.plot_history({"loss": [1.0]})
