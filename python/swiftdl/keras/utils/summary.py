"""model.summary(): Keras 3's table (rich's heavy-head box drawing, 88 columns for
sequential-like models), drawn without rich; and an HTML version for Jupyter."""
import html
import math


def _readable_size(size):
    units = ["B", "KB", "MB", "GB", "TB"]
    scale = 1024
    for unit in units:
        if size < scale or unit == units[-1]:
            return f"{size:.2f} {unit}"
        size /= scale


def _count(weights):
    return int(sum(math.prod(w.shape) for w in weights))


def _memory(weights):
    return int(sum(math.prod(w.shape) * w.itemsize for w in weights))


def _output_shape(layer):
    nodes = getattr(layer, "_inbound_nodes", [])
    if not nodes:
        return "?"
    outputs = nodes[-1].output_tensors
    shapes = [tuple(t.shape) for t in outputs]
    text = ", ".join(str(s) for s in shapes) if len(shapes) > 1 else str(shapes[0])
    return f"[{text}]" if len(shapes) > 1 else text


def _is_sequential_like(model):
    """Keras draws a fourth "Connected to" column unless every layer has one input node
    chained to the previous layer (Sequential models and plain functional chains)."""
    from ..models.sequential import Sequential
    if isinstance(model, Sequential):
        return True
    for layer in getattr(model, "operations", model.layers):
        if len(layer._inbound_nodes) > 1 or any(len(node.input_tensors) > 1 for node in layer._inbound_nodes):
            return False
    return True


def _connections(layer):
    parts = []
    for node in layer._inbound_nodes:
        for tensor in node.input_tensors:
            inbound, node_index, tensor_index = tensor._keras_history
            parts.append(f"{inbound.name}[{node_index}][{tensor_index}]")
    return ", ".join(parts) or "-"


def _rows(model, connected=False):
    from ..layers.input_layer import InputLayer
    from ..models.sequential import Sequential
    rows = []
    for layer in getattr(model, "operations", model.layers):
        if isinstance(model, Sequential) and isinstance(layer, InputLayer):
            continue
        params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
        row = (f"{layer.name} ({type(layer).__name__})", _output_shape(layer), params)
        rows.append(row + (_connections(layer),) if connected else row)
    return rows


def _totals(model):
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    optimizer_variables = []
    optimizer = getattr(model, "optimizer", None)
    if getattr(model, "compiled", False) and optimizer is not None and getattr(optimizer, "built", False):
        optimizer_variables = list(optimizer.variables)
    total = _count(trainable) + _count(non_trainable) + _count(optimizer_variables)
    memory = _memory(trainable) + _memory(non_trainable) + _memory(optimizer_variables)
    lines = [f" Total params: {total:,} ({_readable_size(memory)})",
             f" Trainable params: {_count(trainable):,} ({_readable_size(_memory(trainable))})",
             f" Non-trainable params: {_count(non_trainable):,} ({_readable_size(_memory(non_trainable))})"]
    if optimizer_variables:
        lines.append(f" Optimizer params: {_count(optimizer_variables):,} ({_readable_size(_memory(optimizer_variables))})")
    return lines


def _cell(text, width, align):
    text = text if len(text) <= width else text[: width - 1] + "…"
    return text.rjust(width) if align == "right" else text.ljust(width)


def print_summary(model, line_length=None, positions=None, print_fn=None):
    sequential_like = _is_sequential_like(model)
    line_length = line_length or (88 if sequential_like else 108)
    positions = positions or ([0.45, 0.80, 1.0] if sequential_like else [0.3, 0.56, 0.74, 1.0])
    bounds = [int(p * line_length) for p in positions]
    spans = [b - a for a, b in zip([0] + bounds[:-1], bounds)]
    # Each column draws as "│ text " : one border and two spaces of padding around the text.
    widths = [max(span - 3, 4) for span in spans]
    widths[-1] = max(line_length - 1 - sum(w + 3 for w in widths[:-1]) - 3, 4)
    align = ["left", "left", "right", "left"][: len(widths)]
    header = ["Layer (type)", "Output Shape", "Param #", "Connected to"][: len(widths)]

    def rule(left, middle, right, fill):
        return left + middle.join(fill * (w + 2) for w in widths) + right

    def row(cells, border):
        return border + border.join(f" {_cell(c, w, a)} " for c, w, a in zip(cells, widths, align)) + border

    lines = [f'Model: "{model.name}"', rule("┏", "┳", "┓", "━"), row(header, "┃"), rule("┡", "╇", "┩", "━")]
    body = _rows(model, connected=not sequential_like)
    for index, cells in enumerate(body):
        lines.append(row(cells, "│"))
        if index < len(body) - 1:
            lines.append(rule("├", "┼", "┤", "─"))
    lines.append(rule("└", "┴", "┘", "─"))
    lines.extend(_totals(model))
    text = "\n".join(lines)
    if print_fn is not None:
        print_fn(text)
    else:
        print(text)


def summary_html(model):
    """The same table as HTML, for Jupyter's rich display."""
    cells = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{html.escape(shape)}</td><td "
        f"style='text-align:right'>{html.escape(params)}</td></tr>"
        for name, shape, params in _rows(model))
    totals = "<br>".join(html.escape(line.strip()) for line in _totals(model))
    return (f"<b>Model: \"{html.escape(model.name)}\"</b><table><thead><tr><th>Layer (type)</th><th>Output Shape</th>"
            f"<th>Param #</th></tr></thead><tbody>{cells}</tbody></table><p>{totals}</p>")
