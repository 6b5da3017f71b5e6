"""A Bidirectional layer's two LSTMs as one engine call (`_C.lstm_pair`): each direction's
kernel alone on its own thread, with no barrier between the steps of either (split over the
batch, two threads ran one LSTM only 1.4-1.5 times as fast as one). The layers' own calls
would run the directions one after the other; the results are the same."""
from swiftdl.nn._recurrent import lstm_pair


def pairable(forward, backward, inputs, training):
    """Whether the two layers can run as one pair call: both exactly Keras's LSTM (a subclass
    may change its call) on the fused kernel, not stateful, no activity penalty, no dropout
    drawn on this call, weights in the inputs' dtype, inputs of the shape they expect (other
    inputs go through the layers' own calls, which raise their errors)."""
    from .recurrent import LSTM
    for layer in (forward, backward):
        if type(layer) is not LSTM or not layer.built or layer.stateful or not layer._uses_fused_kernel:
            return False
        if layer.activity_regularizer is not None or layer.kernel.dtype != inputs.dtype:
            return False
        if training and any(rate and layer._rate_ok(rate) for rate in (layer.dropout, layer.recurrent_dropout)):
            return False
    return inputs.ndim == 3 and inputs.shape[-1] == forward.kernel.shape[0] == backward.kernel.shape[0]


def call_pair(forward, backward, inputs, mask, forward_state, backward_state):
    """Both layers' results, each as its own call returns it (the outputs, then the final
    states when the layers return them)."""
    if isinstance(mask, (list, tuple)):
        mask = mask[0]

    def arguments(layer, initial_state):
        return {"kernel": layer.kernel, "recurrent_kernel": layer.recurrent_kernel, "bias": layer.bias,
                "initial_state": initial_state, "go_backwards": layer.go_backwards}
    results = lstm_pair(inputs, arguments(forward, forward_state), arguments(backward, backward_state),
                        return_sequences=forward.return_sequences, mask=mask)
    calls = []
    for layer, (outputs, h, c) in zip((forward, backward), results):
        if mask is not None and layer.zero_output_for_mask:
            outputs = layer._zero_masked_outputs(outputs, mask)
        calls.append([outputs, h, c] if layer.return_state else outputs)
    return calls
