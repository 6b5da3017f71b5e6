"""plot_history: the loss and metric curves of a History, with matplotlib."""


def plot_history(history, metrics=None, to_file=None, figsize=None):
    """One panel per metric (loss first), training and validation curves by epoch.

    Args:
        history: the History returned by fit, or its `.history` dict.
        metrics: names to plot (default: every key that is not `val_*`).
        to_file: also save the figure there.
        figsize: matplotlib's (width, height) in inches.

    Returns:
        The matplotlib Figure.

    Raises:
        ImportError: when matplotlib is not installed.
        ValueError: for an empty history or unknown metric names.
    """
    try:
        from matplotlib import pyplot
    except ImportError:
        raise ImportError("plot_history needs matplotlib: `pip install matplotlib`") from None
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise ValueError("plot_history expects a History from fit() (or its .history dict) with recorded epochs")
    names = list(metrics) if metrics is not None else [k for k in logs if not k.startswith("val_")]
    if "loss" in names:
        names.insert(0, names.pop(names.index("loss")))
    unknown = [name for name in names if name not in logs]
    if unknown or not names:
        raise ValueError(f"Unknown metrics {unknown}; the history has {sorted(logs)}")
    epochs = list(getattr(history, "epoch", [])) or list(range(len(logs[names[0]])))
    figure, axes = pyplot.subplots(1, len(names), figsize=figsize or (4.5 * len(names), 3.2), squeeze=False)
    for axis, name in zip(axes[0], names):
        axis.plot([e + 1 for e in epochs[:len(logs[name])]], logs[name], marker="o", label=name)
        if f"val_{name}" in logs:
            values = logs[f"val_{name}"]
            axis.plot([e + 1 for e in epochs[:len(values)]], values, marker="o", label=f"val_{name}")
        axis.set_xlabel("epoch")
        axis.set_title(name)
        axis.grid(alpha=0.3)
        axis.legend()
    figure.tight_layout()
    if to_file is not None:
        figure.savefig(to_file)
    return figure
