/// keras.layers.GRU's computation (reset_after=True, Keras 3's default) over a whole
/// sequence, as one differentiable op.

/// Runs a GRU over `inputs` (batch, time, features) with Keras's weight layout and gate
/// order (z, r, h), tanh activation, sigmoid recurrent activation, and
/// h_t = z·h_{t-1} + (1 - z)·hh.
///
/// - Parameters:
///   - kernel: (features, 3·units); recurrentKernel: (units, 3·units).
///   - bias: (2, 3·units), the input bias row then the recurrent bias row, or nil.
///   - initialHidden: (batch, units), zeros when nil.
///   - mask, returnSequences, goBackwards: as for `lstm`.
/// - Returns: the outputs and the final hidden state (batch, units).
/// - Throws: `SDLError` for wrong ranks, shapes that do not match the Keras layout, or
///   non-float / mixed dtypes.
public func gru(
    _ inputs: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor?,
    initialHidden: Tensor? = nil, mask: Tensor? = nil, returnSequences: Bool = false,
    goBackwards: Bool = false
) throws -> (outputs: Tensor, hidden: Tensor) {
    let operands = try RecurrentOperands(
        op: "gru", gates: 3, inputs: inputs, kernel: kernel, recurrentKernel: recurrentKernel,
        bias: bias, biasShape: { [2, 3 * $0] }, biasLayout: "(2, 3*units) (reset_after=True: input and recurrent rows)",
        states: [("initial_state", initialHidden)], mask: mask, goBackwards: goBackwards)
    let g = operands.geometry
    if !isRecordingGradients { return try gruWithoutTape(operands, returnSequences: returnSequences) }
    let gates = try operands.sequenceBuffer(width: g.width)
    let recurrentCandidate = try operands.sequenceBuffer(width: g.units)
    let hidden = try operands.sequenceBuffer(width: g.units)
    try operands.dtype.dispatchRecurrent(
        GRUForwardRun(
            operands: operands, gates: gates, recurrentCandidate: recurrentCandidate,
            hidden: hidden, scratch: Tensor.empty([g.batch, g.width], dtype: operands.dtype)))

    let outputs = try operands.outputs(from: hidden, returnSequences: returnSequences)
    let finalHidden = try operands.lastStep(of: hidden)
    if isRecordingGradients {
        record("gru", inputs: operands.recorded, outputs: [outputs, finalHidden]) { gradients in
            let stateShape = [g.batch, g.units]
            let run = try GRUBackwardRun(
                operands: operands, gates: gates, recurrentCandidate: recurrentCandidate, hidden: hidden,
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

/// The op without a tape: the outputs and final state, nothing kept for BPTT (the kernel
/// `gruInference` in Kernels/GRUKernel.swift).
private func gruWithoutTape(_ operands: RecurrentOperands, returnSequences: Bool) throws -> (
    outputs: Tensor, hidden: Tensor
) {
    let g = operands.geometry
    let hidden = try operands.initialStates[0].cast(to: operands.dtype) // a copy: updated in place
    let sequence = returnSequences ? try operands.sequenceBuffer(width: g.units) : nil
    let scratch = try Tensor.empty(
        [max(try CheckedSize.product(of: [g.batch, 7, g.units], op: "gru", "the scratch buffer"), 1)],
        dtype: operands.dtype)
    try operands.dtype.dispatchRecurrent(
        GRUInferenceRun(operands: operands, hidden: hidden, sequence: sequence, scratch: scratch))
    let outputs =
        try sequence.map { try operands.outputs(from: $0, returnSequences: true) }
        ?? operands.lastOutputs(finalHidden: hidden)
    return (outputs, hidden)
}

private struct GRUInferenceRun: RecurrentVisitor {
    let operands: RecurrentOperands
    let hidden: Tensor, sequence: Tensor?, scratch: Tensor
    func visit<T: RecurrentElement>(_: T.Type) throws {
        gruInference(
            operands.geometry, x: readPointer(operands.inputs, T.self), kernel: readPointer(operands.kernel, T.self),
            recurrentKernel: readPointer(operands.recurrentKernel, T.self), bias: readPointer(operands.bias, T.self),
            mask: operands.kernelMask, hidden: mutablePointer(hidden, T.self),
            hiddenSequence: sequence.map { mutablePointer($0, T.self) }, scratch: mutablePointer(scratch, T.self))
    }
}

/// Holds every tensor the forward kernel touches, so they stay alive while it runs.
private struct GRUForwardRun: RecurrentVisitor {
    let operands: RecurrentOperands
    let gates: Tensor, recurrentCandidate: Tensor, hidden: Tensor, scratch: Tensor

    func visit<T: RecurrentElement>(_: T.Type) throws {
        gruForward(
            operands.geometry, x: readPointer(operands.inputs, T.self), kernel: readPointer(operands.kernel, T.self),
            recurrentKernel: readPointer(operands.recurrentKernel, T.self), bias: readPointer(operands.bias, T.self),
            initialHidden: readPointer(operands.initialStates[0], T.self), mask: operands.kernelMask,
            saved: saved(T.self),
            scratch: mutablePointer(scratch, T.self))
    }

    func saved<T>(_: T.Type) -> GRUSaved<T> {
        GRUSaved(
            gates: mutablePointer(gates, T.self), recurrentCandidate: mutablePointer(recurrentCandidate, T.self),
            hidden: mutablePointer(hidden, T.self))
    }
}

/// BPTT's inputs, outputs and scratch, allocated once per backward call.
private struct GRUBackwardRun: RecurrentVisitor {
    let operands: RecurrentOperands
    let gates: Tensor, recurrentCandidate: Tensor, hidden: Tensor
    /// Gradients of the output sequence, the last output and the final state (any may be nil).
    let upstream: [Tensor?]
    let dInputs: Tensor, dKernel: Tensor, dRecurrentKernel: Tensor, dBias: Tensor, dHidden: Tensor
    let inputGateGradients: Tensor, recurrentGateGradients: Tensor, stackedInputs: Tensor

    init(operands: RecurrentOperands, gates: Tensor, recurrentCandidate: Tensor, hidden: Tensor, upstream: [Tensor?])
        throws
    {
        self.operands = operands
        (self.gates, self.recurrentCandidate, self.hidden, self.upstream) = (
            gates, recurrentCandidate, hidden, upstream
        )
        let g = operands.geometry
        (dInputs, dKernel, dRecurrentKernel, dBias) = try operands.operandGradientBuffers()
        dHidden = try operands.stateBuffer()
        inputGateGradients = try operands.sequenceBuffer(width: g.width)
        recurrentGateGradients = try operands.sequenceBuffer(width: g.width)
        stackedInputs = try operands.sequenceBuffer(width: g.features + g.units)
    }

    func visit<T: RecurrentElement>(_: T.Type) throws {
        let pointers = upstream.map { $0.map { readPointer($0, T.self) } }
        let gradients = GRUGradients(
            inputs: mutablePointer(dInputs, T.self), kernel: mutablePointer(dKernel, T.self),
            recurrentKernel: mutablePointer(dRecurrentKernel, T.self), bias: mutablePointer(dBias, T.self),
            initialHidden: mutablePointer(dHidden, T.self),
            inputGateGradients: mutablePointer(inputGateGradients, T.self),
            recurrentGateGradients: mutablePointer(recurrentGateGradients, T.self),
            stackedInputs: mutablePointer(stackedInputs, T.self))
        gruBackward(
            operands.geometry, x: readPointer(operands.inputs, T.self), kernel: readPointer(operands.kernel, T.self),
            recurrentKernel: readPointer(operands.recurrentKernel, T.self),
            initialHidden: readPointer(operands.initialStates[0], T.self), mask: operands.kernelMask,
            saved: GRUSaved(
                gates: mutablePointer(gates, T.self), recurrentCandidate: mutablePointer(recurrentCandidate, T.self),
                hidden: mutablePointer(hidden, T.self)),
            upstream: RecurrentUpstream(sequence: pointers[0], lastOutput: pointers[1], finalHidden: pointers[2]),
            gradients: gradients)
    }
}
