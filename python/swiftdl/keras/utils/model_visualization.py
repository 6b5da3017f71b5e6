"""keras.utils.plot_model without graphviz: the layer graph laid out in rows by depth and
drawn as SVG, or as PNG through Pillow or matplotlib when one of them is installed."""
import html
import os

_BOX_HEIGHT = 44
_BOX_GAP_X = 30
_ROW_GAP = 36
_MARGIN = 20
_CHAR_WIDTH = 7.2  # 12 px monospace


def _graph(model):
    """(layers in drawing order, edges as (from, to) index pairs). Sequential models list no
    InputLayer, so layers referenced by inbound nodes join the graph too."""
    ordered, index = [], {}

    def add(layer):
        if id(layer) not in index:
            index[id(layer)] = len(ordered)
            ordered.append(layer)

    layers = list(getattr(model, "layers", []))
    for layer in layers:
        for node in getattr(layer, "_inbound_nodes", []):
            for tensor in node.input_tensors:
                history = getattr(tensor, "_keras_history", None)
                if history is not None and history[0] not in layers:
                    add(history[0])
        add(layer)
    edges = []
    for layer in ordered:
        for node in getattr(layer, "_inbound_nodes", [])[:1]:
            for tensor in node.input_tensors:
                history = getattr(tensor, "_keras_history", None)
                if history is not None and id(history[0]) in index:
                    edges.append((index[id(history[0])], index[id(layer)]))
    if not edges and len(ordered) > 1:  # an unbuilt Sequential: a chain
        edges = [(i, i + 1) for i in range(len(ordered) - 1)]
    return ordered, edges


def _shape_text(tensors):
    shapes = [tuple(t.shape) for t in tensors]
    if not shapes:
        return "?"
    return ", ".join(str(s) for s in shapes) if len(shapes) > 1 else str(shapes[0])


def _label_lines(layer, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable):
    title = type(layer).__name__
    if show_layer_names:
        title = f"{layer.name} ({title})"
    lines = [title]
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        activation = getattr(layer.activation, "__name__", str(layer.activation))
        lines.append(f"activation: {activation}")
    nodes = getattr(layer, "_inbound_nodes", [])
    if show_shapes and nodes:
        inputs = nodes[0].input_tensors or nodes[0].output_tensors
        lines.append(f"in: {_shape_text(inputs)}  out: {_shape_text(nodes[0].output_tensors)}")
    if show_dtype:
        lines.append(f"dtype: {getattr(layer, 'dtype', 'float32')}")
    if show_trainable:
        lines.append(f"trainable: {getattr(layer, 'trainable', True)}")
    return lines


def _layout(count, edges, rankdir):
    depth = [0] * count
    for _ in range(count):  # longest path from an input; the graph is small and acyclic
        changed = False
        for source, target in edges:
            if depth[target] < depth[source] + 1:
                depth[target] = depth[source] + 1
                changed = True
        if not changed:
            break
    rows = {}
    for node, level in enumerate(depth):
        rows.setdefault(level, []).append(node)
    return depth, rows


def _geometry(labels, edges, rankdir):
    count = len(labels)
    depth, rows = _layout(count, edges, rankdir)
    widths = [max(len(line) for line in lines) * _CHAR_WIDTH + 24 for lines in labels]
    heights = [_BOX_HEIGHT + 16 * (len(lines) - 2) if len(lines) > 2 else _BOX_HEIGHT for lines in labels]
    boxes = [None] * count
    horizontal = rankdir == "LR"
    # Along the rank axis each level takes the size of its largest box.
    level_extent = {level: max((widths if horizontal else heights)[n] for n in nodes) for level, nodes in rows.items()}
    offsets, position = {}, _MARGIN
    for level in sorted(rows):
        offsets[level] = position
        position += level_extent[level] + (_BOX_GAP_X if horizontal else _ROW_GAP)
    cross_sizes = {level: sum((heights if horizontal else widths)[n] for n in nodes)
                   + _BOX_GAP_X * (len(nodes) - 1) for level, nodes in rows.items()}
    widest = max(cross_sizes.values())
    for level, nodes in rows.items():
        cursor = _MARGIN + (widest - cross_sizes[level]) / 2
        for node in nodes:
            if horizontal:
                boxes[node] = (offsets[level], cursor, widths[node], heights[node])
                cursor += heights[node] + _BOX_GAP_X
            else:
                boxes[node] = (cursor, offsets[level], widths[node], heights[node])
                cursor += widths[node] + _BOX_GAP_X
    total_rank = position - (_BOX_GAP_X if horizontal else _ROW_GAP) + _MARGIN
    total_cross = widest + 2 * _MARGIN
    size = (total_rank, total_cross) if horizontal else (total_cross, total_rank)
    return boxes, size


def _anchors(box_from, box_to, rankdir):
    x1, y1, w1, h1 = box_from
    x2, y2, w2, h2 = box_to
    if rankdir == "LR":
        return (x1 + w1, y1 + h1 / 2), (x2, y2 + h2 / 2)
    return (x1 + w1 / 2, y1 + h1), (x2 + w2 / 2, y2)


def model_to_svg(model, show_shapes=False, show_dtype=False, show_layer_names=False, rankdir="TB",
                 show_layer_activations=False, show_trainable=False):
    """The SVG text of the model's layer graph."""
    layers, edges = _graph(model)
    if not layers:
        raise ValueError("plot_model: the model has no layers to draw")
    labels = [_label_lines(l, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable)
              for l in layers]
    boxes, (width, height) = _geometry(labels, edges, rankdir)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="monospace" font-size="12">',
             '<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto">'
             '<path d="M0,0 L8,4 L0,8 z" fill="#555"/></marker></defs>',
             f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>']
    for source, target in edges:
        (ax, ay), (bx, by) = _anchors(boxes[source], boxes[target], rankdir)
        parts.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="#555" '
                     'stroke-width="1.2" marker-end="url(#arrow)"/>')
    for (x, y, w, h), lines in zip(boxes, labels):
        parts.append(f'<g><rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6" fill="#eef3fb" '
                     'stroke="#4a6fa5"/>')
        first = y + h / 2 - 8 * (len(lines) - 1) + 4
        for number, line in enumerate(lines):
            weight = ' font-weight="bold"' if number == 0 else ""
            parts.append(f'<text x="{x + w / 2:.1f}" y="{first + 16 * number:.1f}" text-anchor="middle"{weight}>'
                         f'{html.escape(line)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _draw_png(model, path, dpi, **options):
    layers, edges = _graph(model)
    labels = [_label_lines(l, *(options[k] for k in ("show_shapes", "show_dtype", "show_layer_names",
                                                     "show_layer_activations", "show_trainable"))) for l in layers]
    boxes, (width, height) = _geometry(labels, edges, options["rankdir"])
    scale = max(1.0, dpi / 96)
    try:
        from PIL import Image, ImageDraw
    except ImportError:
        Image = None
    if Image is not None:
        image = Image.new("RGB", (int(width * scale), int(height * scale)), "white")
        draw = ImageDraw.Draw(image)
        for source, target in edges:
            (ax, ay), (bx, by) = _anchors(boxes[source], boxes[target], options["rankdir"])
            draw.line([(ax * scale, ay * scale), (bx * scale, by * scale)], fill=(85, 85, 85), width=int(scale))
        for (x, y, w, h), lines in zip(boxes, labels):
            draw.rounded_rectangle([x * scale, y * scale, (x + w) * scale, (y + h) * scale], radius=6 * scale,
                                   fill=(238, 243, 251), outline=(74, 111, 165), width=int(scale))
            first = y + h / 2 - 8 * len(lines) + 2
            for number, line in enumerate(lines):
                draw.text(((x + 10) * scale, (first + 16 * number) * scale), line, fill="black")
        image.save(path)
        return
    try:
        import matplotlib
        matplotlib.use("Agg", force=False)
        from matplotlib import pyplot, patches
    except ImportError:
        raise ImportError("plot_model writes PNG with Pillow or matplotlib; install one of them "
                          "(`pip install pillow`), or save as .svg") from None
    figure = pyplot.figure(figsize=(width / 96, height / 96), dpi=dpi)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, width)
    axes.set_ylim(height, 0)
    axes.axis("off")
    for source, target in edges:
        (ax, ay), (bx, by) = _anchors(boxes[source], boxes[target], options["rankdir"])
        axes.annotate("", xy=(bx, by), xytext=(ax, ay), arrowprops={"arrowstyle": "->", "color": "#555"})
    for (x, y, w, h), lines in zip(boxes, labels):
        axes.add_patch(patches.FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=6",
                                              facecolor="#eef3fb", edgecolor="#4a6fa5"))
        axes.text(x + w / 2, y + h / 2, "\n".join(lines), ha="center", va="center", family="monospace", fontsize=8)
    figure.savefig(path, dpi=dpi)
    pyplot.close(figure)


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=False,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False,
               **kwargs):
    """Draws the model's layer graph to `to_file` (.svg always; .png with Pillow or
    matplotlib). In IPython it returns an image object for display, like Keras.

    Args:
        model: a built Sequential or functional model.
        to_file: the output path; its extension picks the format.
        show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable:
            what each box shows besides the layer class.
        rankdir: "TB" (top to bottom) or "LR" (left to right).
        dpi: the PNG resolution.

    Raises:
        ValueError: for an unknown rankdir or file extension.
        ImportError: for .png without Pillow and matplotlib.
    """
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"rankdir must be 'TB' or 'LR'; received {rankdir!r}")
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1].lower()
    options = dict(show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                   rankdir=rankdir, show_layer_activations=show_layer_activations, show_trainable=show_trainable)
    if extension == ".svg":
        with open(to_file, "w", encoding="utf-8") as handle:
            handle.write(model_to_svg(model, **options))
    elif extension == ".png":
        _draw_png(model, to_file, dpi, **options)
    else:
        raise ValueError(f"plot_model writes .svg or .png files; received to_file={to_file!r}")
    try:
        from IPython import display
        from IPython import get_ipython
    except ImportError:
        return None
    if get_ipython() is None:
        return None
    return display.SVG(filename=to_file) if extension == ".svg" else display.Image(filename=to_file)
