/// keras.layers.SimpleRNN's computation over a whole sequence, as one differentiable op.

/// Runs h_t = tanh(x_t·W + h_{t-1}·U + b) over `inputs` (batch, time, features).
///
/// - Parameters:
///   - kernel: (features, units); recurrentKernel: (units, units); bias: (units) or nil.
///   - initialHidden: (batch, units), zeros when nil.
///   - mask, returnSequences, goBackwards: as for `lstm`.
/// - Returns: the outputs and the final hidden state (batch, units).
/// - Throws: `SDLError` for wrong ranks, shapes that do not match the Keras layout, or
///   non-float / mixed dtypes.
public func simpleRNN(
    _ inputs: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor?,
    initialHidden: Tensor? = nil, mask: Tensor? = nil, returnSequences: Bool = false,
    goBackwards: Bool = false
) throws -> (outputs: Tensor, hidden: Tensor) {
    let operands = try RecurrentOperands(
        op: "simple_rnn", gates: 1, inputs: inputs, kernel: kernel, recurrentKernel: recurrentKernel,
        bias: bias, biasShape: { [$0] }, biasLayout: "(units,)",
        states: [("initial_state", initialHidden)], mask: mask, goBackwards: goBackwards)
    let g = operands.geometry
    let hidden = try operands.sequenceBuffer(width: g.units)
    try operands.dtype.dispatchRecurrent(SimpleRNNForwardRun(operands: operands, hidden: hidden))

    let outputs = try operands.outputs(from: hidden, returnSequences: returnSequences)
    let finalHidden = try operands.lastStep(of: hidden)
    if isRecordingGradients {
        record("simple_rnn", inputs: operands.recorded, outputs: [outputs, finalHidden]) { gradients in
            let stateShape = [g.batch, g.units]
            let run = try SimpleRNNBackwardRun(
                operands: operands, hidden: hidden,
                upstream: [
                    returnSequences ? operands.upstream(gradients[0], shape: [g.batch, g.time, g.units]) : nil,
                    returnSequences ? nil : operands.upstream(gradients[0], shape: stateShape),
                    operands.upstream(gradients[1], shape: stateShape),
                ])
            try operands.dtype.dispatchRecurrent(run)
            return operands.recordedGradients(
                inputs: run.dInputs, kernel: run.dKernel, recurrentKernel: run.dRecurrentKernel,
                bias: run.dBias, initialStates: [run.dHidden])
        }
    }
    return (outputs, finalHidden)
}

/// Holds every tensor the forward kernel touches, so they stay alive while it runs.
private struct SimpleRNNForwardRun: RecurrentVisitor {
    let operands: RecurrentOperands
    let hidden: Tensor

    func visit<T: RecurrentElement>(_: T.Type) throws {
        simpleRNNForward(
            operands.geometry, x: readPointer(operands.inputs, T.self), kernel: readPointer(operands.kernel, T.self),
            recurrentKernel: readPointer(operands.recurrentKernel, T.self), bias: readPointer(operands.bias, T.self),
            initialHidden: readPointer(operands.initialStates[0], T.self), mask: operands.kernelMask,
            hidden: mutablePointer(hidden, T.self))
    }
}

/// BPTT's inputs, outputs and scratch, allocated once per backward call.
private struct SimpleRNNBackwardRun: RecurrentVisitor {
    let operands: RecurrentOperands
    let hidden: Tensor
    /// Gradients of the output sequence, the last output and the final state (any may be nil).
    let upstream: [Tensor?]
    let dInputs: Tensor, dKernel: Tensor, dRecurrentKernel: Tensor, dBias: Tensor, dHidden: Tensor
    let gateGradients: Tensor, stackedInputs: Tensor

    init(operands: RecurrentOperands, hidden: Tensor, upstream: [Tensor?]) throws {
        (self.operands, self.hidden, self.upstream) = (operands, hidden, upstream)
        let g = operands.geometry
        (dInputs, dKernel, dRecurrentKernel, dBias) = try operands.operandGradientBuffers()
        dHidden = try operands.stateBuffer()
        gateGradients = try operands.sequenceBuffer(width: g.units)
        stackedInputs = try operands.sequenceBuffer(width: g.features + g.units)
    }

    func visit<T: RecurrentElement>(_: T.Type) throws {
        let pointers = upstream.map { $0.map { readPointer($0, T.self) } }
        let gradients = SimpleRNNGradients(
            inputs: mutablePointer(dInputs, T.self), kernel: mutablePointer(dKernel, T.self),
            recurrentKernel: mutablePointer(dRecurrentKernel, T.self), bias: mutablePointer(dBias, T.self),
            initialHidden: mutablePointer(dHidden, T.self), gateGradients: mutablePointer(gateGradients, T.self),
            stackedInputs: mutablePointer(stackedInputs, T.self))
        simpleRNNBackward(
            operands.geometry, x: readPointer(operands.inputs, T.self), kernel: readPointer(operands.kernel, T.self),
            recurrentKernel: readPointer(operands.recurrentKernel, T.self),
            initialHidden: readPointer(operands.initialStates[0], T.self), mask: operands.kernelMask,
            hidden: readPointer(hidden, T.self),
            upstream: RecurrentUpstream(sequence: pointers[0], lastOutput: pointers[1], finalHidden: pointers[2]),
            gradients: gradients)
    }
}
