"""The functional API's graph: nodes collected from outputs back to inputs, run in order."""
from swiftdl._tensor import Tensor

from ..layers.convolutional import Conv2D
from ..layers.input_layer import InputLayer
from ..layers.keras_tensor import KerasTensor, flatten, map_structure
from . import conv_batch_norm_fusion, conv_batch_norm_training, token_convolution


def collect_nodes(inputs, outputs):
    """The nodes between `inputs` and `outputs` in an order where each node's inputs are
    computed before it, and the layers in first-use order.

    Raises:
        ValueError: when an output does not depend only on the given inputs.
    """
    input_ids = {id(t) for t in flatten(inputs)}
    ordered, visited = [], set()

    def visit(tensor):
        if not isinstance(tensor, KerasTensor) or tensor._keras_history is None:
            raise ValueError(f"Output tensors of a Functional model must be the output of a keras layer; received {tensor!r}")
        layer, node_index, _ = tensor._keras_history
        node = layer._inbound_nodes[node_index]
        if id(node) in visited:
            return
        if id(tensor) not in input_ids:
            if isinstance(layer, InputLayer):
                raise ValueError(f"Graph disconnected: cannot find the value of {tensor.name}; pass it in the model's inputs")
            for parent in node.input_tensors:
                visit(parent)
        visited.add(id(node))
        ordered.append(node)

    for output in flatten(outputs):
        visit(output)
    layers = []
    for node in ordered:
        if all(node.layer is not l for l in layers):
            layers.append(node.layer)
    return ordered, layers


def run_graph(nodes, inputs, outputs, values, training=None):
    """Runs the nodes eagerly; `values` maps id(KerasTensor) → tensor for the inputs.

    Each value is dropped from `values` once the last node that reads it has run (unless it
    is an output), so a forward pass holds only the activations still ahead of it, plus what
    a recording tape keeps for the backward pass: MobileNetV2's predict at batch 256 held
    every activation, 2.5 GB, and mapped it afresh on each call.

    A BatchNormalization whose output only a ReLU reads runs with that ReLU as one engine op
    (see _batch_norm_relu_pairs); the ReLU's node then finds its output present and is skipped.
    Conv2D → BatchNormalization (→ ReLU) chains at inference and Conv2D → pooling pairs run
    as one op likewise (_conv_batch_norm_chains, _conv_pool_pairs), and so do Embedding →
    (Dropout →) Conv1D chains at inference (token_convolution). In training under a tape,
    conv → batch norm chains whose convolution is cheap to run again are recorded as one node
    that keeps only their input and output (conv_batch_norm_training)."""
    readers, last_use = _readers_and_last_uses(nodes)
    keep = {id(t) for t in flatten(outputs)}
    fused = _batch_norm_relu_pairs(nodes, readers, keep)
    chains = _conv_batch_norm_chains(nodes, readers, keep, fused, training)
    pools = _conv_pool_pairs(nodes, readers, keep)
    tokens = {} if training else token_convolution.functional_chains(nodes, readers, keep)
    masks = {}
    for position, node in enumerate(nodes):
        done = position in tokens and token_convolution.run_functional_chain(node, tokens[position], values, masks)
        done = done or (position in chains and _run_chain(node, chains[position], values, masks))
        done = done or (position in pools and _run_conv_pool(node, pools[position], values, masks))
        if not done and not isinstance(node.layer, InputLayer) \
                and not all(id(t) in values for t in node.output_tensors):
            _run_node(node, fused.get(position), values, masks, training)
        for key in last_use.get(position, ()):
            if key not in keep:
                values.pop(key, None)
                masks.pop(key, None)
    return map_structure(lambda t: values[id(t)], outputs)


def _run_node(node, fused_relu, values, masks, training):
    """Calls node's layer on the values of its inputs and stores its outputs and mask;
    `fused_relu` is (ReLU node, cap) to apply in the same op, or None."""
    args = map_structure(lambda t: values[id(t)] if isinstance(t, KerasTensor) else t, node.call_args)
    kwargs = map_structure(lambda t: values[id(t)] if isinstance(t, KerasTensor) else t, dict(node.call_kwargs))
    first_inputs = node.call_args[0]
    mask = None
    if isinstance(first_inputs, KerasTensor):
        mask = masks.get(id(first_inputs))
    if training is not None and "training" not in kwargs:
        kwargs["training"] = training
    if mask is not None and "mask" not in kwargs and node.layer._call_accepts("mask"):
        kwargs["mask"] = mask
    if fused_relu is not None and mask is None:
        relu_node, cap = fused_relu
        values[id(relu_node.output_tensors[0])] = node.layer(*args, _then_relu=cap, **kwargs)
        return
    results = flatten(node.layer(*args, **kwargs))
    for tensor, value in zip(node.output_tensors, results):
        values[id(tensor)] = value
    compute_mask = getattr(node.layer, "compute_mask", None)
    if compute_mask is not None and len(node.output_tensors) == 1:
        new_mask = compute_mask(args[0], mask)
        if new_mask is not None:
            masks[id(node.output_tensors[0])] = new_mask


def _conv_batch_norm_chains(nodes, readers, keep, relu_pairs, training):
    """{position of a Conv2D or DepthwiseConv2D node: (its BatchNormalization node, the ReLU
    node or None, the ReLU's cap or None, whether the batch norm trains)} for each conv whose
    output only that batch norm reads (and is not a model output): the chain then runs as one
    op when the batch norm uses its moving statistics on this call (conv_batch_norm_fusion),
    and as one recorded node that keeps only its input and output when it trains under a tape
    (conv_batch_norm_training)."""
    chains = {}
    for position, node in enumerate(nodes):
        if type(node.layer) not in conv_batch_norm_fusion.FOLDING_OPS or len(node.call_args) != 1 \
                or node.call_kwargs:
            continue
        reader = _sole_reader(node, nodes, readers, keep, accepted_kwargs={"training"})
        if reader is None:
            continue
        norm_node = nodes[reader]
        if not conv_batch_norm_fusion.fusable(node.layer, norm_node.layer):
            continue
        trains = not conv_batch_norm_fusion.uses_moving_statistics(
            norm_node.layer, norm_node.call_kwargs.get("training", training))
        if trains and not conv_batch_norm_training.recomputes_cheaply(node.layer):
            continue
        relu_node, cap = relu_pairs.get(reader, (None, None))
        chains[position] = (norm_node, relu_node, cap, trains)
    return chains


def _conv_pool_pairs(nodes, readers, keep):
    """{position of a Conv2D node: the MaxPooling2D or AveragePooling2D node that alone reads
    its output (which is not a model output)}: nothing else sees the convolution's output,
    so the pair can run as one op that pools each image while it is in cache and, under a
    tape, keeps only the pooled values (Conv2D.convolve_and_pool), as Sequential runs it."""
    from ..layers.pooling import AveragePooling2D, MaxPooling2D
    pairs = {}
    for position, node in enumerate(nodes):
        if type(node.layer) is not Conv2D or len(node.call_args) != 1 or node.call_kwargs:
            continue
        reader = _sole_reader(node, nodes, readers, keep)
        if reader is not None and type(nodes[reader].layer) in (MaxPooling2D, AveragePooling2D):
            pairs[position] = nodes[reader]
    return pairs


def _run_conv_pool(node, pool_node, values, masks):
    """Runs a Conv2D → pooling pair as one op and stores the pooled output; False when the
    input does not suit the fused op (the two nodes then run one by one)."""
    source = node.call_args[0]
    x = values.get(id(source)) if isinstance(source, KerasTensor) else None
    if x is None or masks.get(id(source)) is not None:
        return False
    pooled = node.layer.convolve_and_pool(x, pool_node.layer) if isinstance(x, Tensor) else None
    if pooled is None:
        return False
    values[id(pool_node.output_tensors[0])] = pooled
    return True


def _run_chain(node, chain, values, masks):
    """Runs a conv → batch norm (→ relu) chain as one op and stores the last output; False
    when its input does not suit the fused op (the nodes then run one by one)."""
    norm_node, relu_node, cap, trains = chain
    x = values[id(node.call_args[0])] if isinstance(node.call_args[0], KerasTensor) else None
    if x is None or masks.get(id(node.call_args[0])) is not None:
        return False
    run = (conv_batch_norm_training.convolve_and_normalize_in_training if trains
           else conv_batch_norm_fusion.convolve_and_normalize)
    output = run(node.layer, norm_node.layer, cap, x)
    if output is None:
        return False
    values[id((relu_node or norm_node).output_tensors[0])] = output
    # The skipped nodes' outputs: the batch norm's when a relu follows is never read (the
    # relu is its only reader), so a marker keeps its node from running.
    if relu_node is not None:
        values[id(norm_node.output_tensors[0])] = None
    return True


def _readers_and_last_uses(nodes):
    """({id(KerasTensor): positions of the nodes that read it}, {node position: ids of the
    KerasTensors that no later node reads})."""
    readers = {}
    for position, node in enumerate(nodes):
        if isinstance(node.layer, InputLayer):
            continue
        for tensor in flatten([node.call_args, dict(node.call_kwargs)]):
            if isinstance(tensor, KerasTensor):
                readers.setdefault(id(tensor), []).append(position)
    last_use = {}
    for key, positions in readers.items():
        last_use.setdefault(positions[-1], []).append(key)
    return readers, last_use


def _batch_norm_relu_pairs(nodes, readers, keep):
    """{position of a BatchNormalization node: (the ReLU node, its cap)} for each batch norm
    whose single output is read by one ReLU node alone (on that tensor alone) and is not
    a model output: nothing else can see the tensor between them, so the two can run as
    one op (nn.fused_batch_norm_relu), exactly."""
    from ..layers.normalization import BatchNormalization, fusable_relu_cap
    pairs = {}
    for position, node in enumerate(nodes):
        if type(node.layer) is not BatchNormalization:
            continue
        reader = _sole_reader(node, nodes, readers, keep)
        if reader is None:
            continue
        relu_node = nodes[reader]
        cap = fusable_relu_cap(node.layer, relu_node.layer)
        if cap is not None:
            pairs[position] = (relu_node, cap)
    return pairs


def _sole_reader(node, nodes, readers, keep, accepted_kwargs=frozenset()):
    """The position of the node that alone reads `node`'s one output, as its one call
    argument (with no keyword arguments but `accepted_kwargs`) and with one output itself,
    when that output is not a model output; else None. Nothing else can see the tensor
    between the two nodes, so the pair can run as one op (the fusions above)."""
    if len(node.output_tensors) != 1:
        return None
    output = node.output_tensors[0]
    reading = readers.get(id(output), ())
    if id(output) in keep or len(reading) != 1:
        return None
    reader = nodes[reading[0]]
    if len(reader.call_args) != 1 or reader.call_args[0] is not output or len(reader.output_tensors) != 1 \
            or set(reader.call_kwargs) - set(accepted_kwargs):
        return None
    return reading[0]


def keras_layer_order(inputs, outputs):
    """The layers of the graph in the order Keras 3 lists them (`model.layers`): by depth
    from the inputs (deepest first), ties broken by first visit in a depth-first walk from
    the outputs. Weight files name layers by their position in this list, so matching it
    is what lets a Keras file and a swiftdl model agree on which Dense is `dense_1`."""
    input_ids = {id(t) for t in flatten(inputs)}
    order, nodes, finished = {}, [], set()

    def visit(tensor):
        layer, node_index, _ = tensor._keras_history
        node = layer._inbound_nodes[node_index]
        if id(node) in finished:
            return
        if not isinstance(layer, InputLayer) and id(tensor) in input_ids:
            finished.add(id(node))
            return
        order.setdefault(id(layer), (len(order), layer))
        if not isinstance(layer, InputLayer):
            for parent in node.input_tensors:
                visit(parent)
        finished.add(id(node))
        nodes.append(node)

    for output in flatten(outputs):
        visit(output)
    in_graph = {id(node) for node in nodes}
    node_depth, layer_depth = {}, {}
    for node in reversed(nodes):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        node_depth[id(node)] = depth
        for parent in node.input_tensors:
            parent_layer, parent_index, _ = parent._keras_history
            parent_node = parent_layer._inbound_nodes[parent_index]
            if id(parent_node) in in_graph:
                node_depth[id(parent_node)] = max(depth + 1, node_depth.get(id(parent_node), 0))
    for tensor in flatten(inputs):
        layer = tensor._keras_history[0]
        if id(layer) not in layer_depth:
            layer_depth[id(layer)] = 0
            order.setdefault(id(layer), (-1, layer))
    return _sorted_layers(order, layer_depth)


def _sorted_layers(order, layer_depth):
    keyed = sorted((-layer_depth[key], index, position) for position, (key, (index, _)) in enumerate(order.items()))
    layers = [layer for _, layer in order.values()]
    return [layers[position] for _, _, position in keyed]
