/// keras.layers.LSTM's computation over a whole sequence, as one differentiable op.

/// Runs an LSTM over `inputs` (batch, time, features) with Keras's weight layout and gate
/// order (i, f, c, o), tanh activation and sigmoid recurrent activation.
///
/// - Parameters:
///   - kernel: (features, 4·units); recurrentKernel: (units, 4·units); bias: (4·units) or nil.
///   - initialHidden, initialCell: (batch, units) each, both or neither (zeros when nil).
///   - mask: optional (batch, time) bool; where false, the step is skipped (see `RecurrentMask`).
///   - returnSequences: return every step's output (batch, time, units) instead of the last.
///   - goBackwards: process the sequence in reverse; outputs come in processing order.
/// - Returns: the outputs and the final hidden and cell states (batch, units).
/// - Throws: `SDLError` for wrong ranks, shapes that do not match the Keras layout, or
///   non-float / mixed dtypes.
///
/// When a tape records, the whole sequence is ONE node whose VJP runs backpropagation
/// through time in the kernel, giving gradients for every input, weight and initial state.
public func lstm(
    _ inputs: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor?,
    initialHidden: Tensor? = nil, initialCell: Tensor? = nil,
    mask: Tensor? = nil, returnSequences: Bool = false,
    goBackwards: Bool = false
) throws -> (outputs: Tensor, hidden: Tensor, cell: Tensor) {
    if (initialHidden == nil) != (initialCell == nil) {
        throw SDLError.value(
            "lstm",
            "initial_state must hold both states (h, c) or be None; received only \(initialHidden == nil ? "c" : "h")")
    }
    let operands = try RecurrentOperands(
        op: "lstm", gates: 4, inputs: inputs, kernel: kernel, recurrentKernel: recurrentKernel,
        bias: bias, biasShape: { [4 * $0] }, biasLayout: "(4*units,)",
        states: [("initial_state[0] (h)", initialHidden), ("initial_state[1] (c)", initialCell)], mask: mask,
        goBackwards: goBackwards)
    let g = operands.geometry
    if !isRecordingGradients { return try lstmWithoutTape(operands, returnSequences: returnSequences) }
    let gates = try operands.sequenceBuffer(width: g.width)
    let cells = try operands.sequenceBuffer(width: g.units)
    let cellTanh = try operands.sequenceBuffer(width: g.units)
    let hidden = try operands.sequenceBuffer(width: g.units)
    try operands.dtype.dispatchRecurrent(
        LSTMForwardRun(operands: operands, gates: gates, cells: cells, cellTanh: cellTanh, hidden: hidden))

    let outputs = try operands.outputs(from: hidden, returnSequences: returnSequences)
    let finalHidden = try operands.lastStep(of: hidden)
    let finalCell = try operands.lastStep(of: cells)
    if isRecordingGradients {
        record("lstm", inputs: operands.recorded, outputs: [outputs, finalHidden, finalCell]) { gradients in
            let stateShape = [g.batch, g.units]
            let run = try LSTMBackwardRun(
                operands: operands, gates: gates, cells: cells, cellTanh: cellTanh, hidden: hidden,
                sequence: returnSequences ? operands.upstream(gradients[0], shape: [g.batch, g.time, g.units]) : nil,
                lastOutput: returnSequences ? nil : operands.upstream(gradients[0], shape: stateShape),
                finalHidden: operands.upstream(gradients[1], shape: stateShape),
                finalCell: operands.upstream(gradients[2], shape: stateShape))
            try operands.dtype.dispatchRecurrent(run)
            return operands.recordedGradients(
                inputs: run.dInputs, kernel: run.dKernel, recurrentKernel: run.dRecurrentKernel,
                bias: run.dBias, initialStates: [run.dHidden, run.dCell])
        }
    }
    return (outputs, finalHidden, finalCell)
}

/// The op without a tape: the outputs and final states, nothing kept for BPTT (the kernel
/// `lstmInference` in Kernels/LSTMKernel.swift).
private func lstmWithoutTape(_ operands: RecurrentOperands, returnSequences: Bool) throws -> (
    outputs: Tensor, hidden: Tensor, cell: Tensor
) {
    let g = operands.geometry
    // Copies: the kernel updates the states in place.
    let hidden = try operands.initialStates[0].cast(to: operands.dtype)
    let cell = try operands.initialStates[1].cast(to: operands.dtype)
    let sequence = returnSequences ? try operands.sequenceBuffer(width: g.units) : nil
    let scratch = try Tensor.empty(
        [max(try CheckedSize.product(of: [g.batch, 5, g.units], op: "lstm", "the scratch buffer"), 1)],
        dtype: operands.dtype)
    try operands.dtype.dispatchRecurrent(
        LSTMInferenceRun(operands: operands, hidden: hidden, cell: cell, sequence: sequence, scratch: scratch))
    let outputs =
        try sequence.map { try operands.outputs(from: $0, returnSequences: true) }
        ?? operands.lastOutputs(finalHidden: hidden)
    return (outputs, hidden, cell)
}

private struct LSTMInferenceRun: RecurrentVisitor {
    let operands: RecurrentOperands
    let hidden: Tensor, cell: Tensor, sequence: Tensor?, scratch: Tensor
    func visit<T: RecurrentElement>(_: T.Type) throws {
        lstmInference(
            operands.geometry, x: readPointer(operands.inputs, T.self), kernel: readPointer(operands.kernel, T.self),
            recurrentKernel: readPointer(operands.recurrentKernel, T.self), bias: readPointer(operands.bias, T.self),
            mask: operands.kernelMask, hidden: mutablePointer(hidden, T.self), cell: mutablePointer(cell, T.self),
            hiddenSequence: sequence.map { mutablePointer($0, T.self) }, scratch: mutablePointer(scratch, T.self))
    }
}

/// Holds every tensor the forward kernel touches, so they stay alive while it runs.
private struct LSTMForwardRun: RecurrentVisitor {
    let operands: RecurrentOperands
    let gates: Tensor, cells: Tensor, cellTanh: Tensor, hidden: Tensor

    func visit<T: RecurrentElement>(_: T.Type) throws {
        lstmForward(
            operands.geometry, x: readPointer(operands.inputs, T.self), kernel: readPointer(operands.kernel, T.self),
            recurrentKernel: readPointer(operands.recurrentKernel, T.self), bias: readPointer(operands.bias, T.self),
            initialHidden: readPointer(operands.initialStates[0], T.self),
            initialCell: readPointer(operands.initialStates[1], T.self), mask: operands.kernelMask,
            saved: saved(T.self))
    }

    func saved<T>(_: T.Type) -> LSTMSaved<T> {
        LSTMSaved(
            gates: mutablePointer(gates, T.self), cells: mutablePointer(cells, T.self),
            cellTanh: mutablePointer(cellTanh, T.self), hidden: mutablePointer(hidden, T.self))
    }
}

/// BPTT's inputs, outputs and scratch, allocated once per backward call.
private struct LSTMBackwardRun: RecurrentVisitor {
    let operands: RecurrentOperands
    let gates: Tensor, cells: Tensor, cellTanh: Tensor, hidden: Tensor
    let sequence: Tensor?, lastOutput: Tensor?, finalHidden: Tensor?, finalCell: Tensor?
    let dInputs: Tensor, dKernel: Tensor, dRecurrentKernel: Tensor, dBias: Tensor, dHidden: Tensor, dCell: Tensor
    let gateGradients: Tensor, stackedInputs: Tensor

    init(
        operands: RecurrentOperands, gates: Tensor, cells: Tensor, cellTanh: Tensor, hidden: Tensor,
        sequence: Tensor?, lastOutput: Tensor?, finalHidden: Tensor?, finalCell: Tensor?
    ) throws {
        self.operands = operands
        (self.gates, self.cells, self.cellTanh, self.hidden) = (gates, cells, cellTanh, hidden)
        (self.sequence, self.lastOutput, self.finalHidden, self.finalCell) = (
            sequence, lastOutput, finalHidden, finalCell
        )
        let g = operands.geometry
        (dInputs, dKernel, dRecurrentKernel, dBias) = try operands.operandGradientBuffers()
        dHidden = try operands.stateBuffer()
        dCell = try operands.stateBuffer()
        gateGradients = try operands.sequenceBuffer(width: g.width)
        stackedInputs = try operands.sequenceBuffer(width: g.features + g.units)
    }

    func visit<T: RecurrentElement>(_: T.Type) throws {
        let forward = LSTMForwardRun(operands: operands, gates: gates, cells: cells, cellTanh: cellTanh, hidden: hidden)
        let upstream = RecurrentUpstream(
            sequence: sequence.map { readPointer($0, T.self) }, lastOutput: lastOutput.map { readPointer($0, T.self) },
            finalHidden: finalHidden.map { readPointer($0, T.self) },
            finalCell: finalCell.map { readPointer($0, T.self) })
        let gradients = LSTMGradients(
            inputs: mutablePointer(dInputs, T.self), kernel: mutablePointer(dKernel, T.self),
            recurrentKernel: mutablePointer(dRecurrentKernel, T.self), bias: mutablePointer(dBias, T.self),
            initialHidden: mutablePointer(dHidden, T.self), initialCell: mutablePointer(dCell, T.self),
            gateGradients: mutablePointer(gateGradients, T.self), stackedInputs: mutablePointer(stackedInputs, T.self))
        lstmBackward(
            operands.geometry, x: readPointer(operands.inputs, T.self), kernel: readPointer(operands.kernel, T.self),
            recurrentKernel: readPointer(operands.recurrentKernel, T.self),
            initialHidden: readPointer(operands.initialStates[0], T.self),
            initialCell: readPointer(operands.initialStates[1], T.self), mask: operands.kernelMask,
            saved: forward.saved(T.self), upstream: upstream, gradients: gradients)
    }
}
