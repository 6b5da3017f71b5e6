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
    let operands = try lstmOperands(
        inputs, kernel: kernel, recurrentKernel: recurrentKernel, bias: bias, initialHidden: initialHidden,
        initialCell: initialCell, mask: mask, goBackwards: goBackwards)
    return try runLSTMs([operands], returnSequences: returnSequences)[0]
}

/// The checked operands of one LSTM call.
func lstmOperands(
    _ inputs: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor?, initialHidden: Tensor?,
    initialCell: Tensor?, mask: Tensor?, goBackwards: Bool
) throws -> RecurrentOperands {
    if (initialHidden == nil) != (initialCell == nil) {
        throw SDLError.value(
            "lstm",
            "initial_state must hold both states (h, c) or be None; received only \(initialHidden == nil ? "c" : "h")")
    }
    return try RecurrentOperands(
        op: "lstm", gates: 4, inputs: inputs, kernel: kernel, recurrentKernel: recurrentKernel,
        bias: bias, biasShape: { [4 * $0] }, biasLayout: "(4*units,)",
        states: [("initial_state[0] (h)", initialHidden), ("initial_state[1] (c)", initialCell)], mask: mask,
        goBackwards: goBackwards)
}

/// One LSTM, or several side by side (`lstmPair`): each one's kernel on its own thread when
/// there are several, and under a tape ONE node whose VJP runs their BPTTs side by side too.
func runLSTMs(_ calls: [RecurrentOperands], returnSequences: Bool) throws -> [(
    outputs: Tensor, hidden: Tensor, cell: Tensor
)] {
    if !isRecordingGradients {
        let runs = try calls.map { try LSTMInferenceRun(operands: $0, returnSequences: returnSequences) }
        try runSideBySide(runs, dtype: calls[0].dtype)
        return try runs.map { try $0.results() }
    }
    let forwards = try calls.map { try LSTMForwardRun(allocatingFor: $0) }
    try runSideBySide(forwards, dtype: calls[0].dtype)
    let results = try forwards.map { run in
        (
            outputs: try run.operands.outputs(from: run.hidden, returnSequences: returnSequences),
            hidden: try run.operands.lastStep(of: run.hidden), cell: try run.operands.lastStep(of: run.cells)
        )
    }
    record(
        "lstm", inputs: calls.flatMap(\.recorded), outputs: results.flatMap { [$0.outputs, $0.hidden, $0.cell] }
    ) { gradients in
        let runs = try forwards.enumerated().map { index, forward in
            let g = forward.operands.geometry, stateShape = [g.batch, g.units]
            let (output, hidden, cell) = (gradients[3 * index], gradients[3 * index + 1], gradients[3 * index + 2])
            return try LSTMBackwardRun(
                forward: forward,
                sequence: returnSequences ? forward.operands.upstream(output, shape: [g.batch, g.time, g.units]) : nil,
                lastOutput: returnSequences ? nil : forward.operands.upstream(output, shape: stateShape),
                finalHidden: forward.operands.upstream(hidden, shape: stateShape),
                finalCell: forward.operands.upstream(cell, shape: stateShape))
        }
        try runSideBySide(runs, dtype: calls[0].dtype)
        return runs.flatMap { run in
            run.forward.operands.recordedGradients(
                inputs: run.dInputs, kernel: run.dKernel, recurrentKernel: run.dRecurrentKernel, bias: run.dBias,
                initialStates: [run.dHidden, run.dCell])
        }
    }
    return results
}

/// The op without a tape: the outputs and final states, nothing kept for BPTT (the kernel
/// `lstmInference` in Kernels/LSTMKernel.swift).
private struct LSTMInferenceRun: RecurrentVisitor {
    let operands: RecurrentOperands
    let hidden: Tensor, cell: Tensor, sequence: Tensor?, scratch: Tensor

    init(operands: RecurrentOperands, returnSequences: Bool) throws {
        let g = operands.geometry
        self.operands = operands
        // Copies: the kernel updates the states in place.
        hidden = try operands.initialStates[0].cast(to: operands.dtype)
        cell = try operands.initialStates[1].cast(to: operands.dtype)
        sequence = returnSequences ? try operands.sequenceBuffer(width: g.units) : nil
        scratch = try Tensor.empty(
            [max(try CheckedSize.product(of: [g.batch, 5, g.units], op: "lstm", "the scratch buffer"), 1)],
            dtype: operands.dtype)
    }

    func visit<T: RecurrentElement>(_: T.Type) throws {
        lstmInference(
            operands.geometry, x: readPointer(operands.inputs, T.self), kernel: readPointer(operands.kernel, T.self),
            recurrentKernel: readPointer(operands.recurrentKernel, T.self), bias: readPointer(operands.bias, T.self),
            mask: operands.kernelMask, hidden: mutablePointer(hidden, T.self), cell: mutablePointer(cell, T.self),
            hiddenSequence: sequence.map { mutablePointer($0, T.self) }, scratch: mutablePointer(scratch, T.self))
    }

    /// The outputs and final states, once the kernel has run.
    func results() throws -> (outputs: Tensor, hidden: Tensor, cell: Tensor) {
        let outputs =
            try sequence.map { try operands.outputs(from: $0, returnSequences: true) }
            ?? operands.lastOutputs(finalHidden: hidden)
        return (outputs, hidden, cell)
    }
}

/// Holds every tensor the forward kernel touches, so they stay alive while it runs.
private struct LSTMForwardRun: RecurrentVisitor {
    let operands: RecurrentOperands
    let gates: Tensor, cells: Tensor, cellTanh: Tensor, hidden: Tensor

    /// New buffers for what BPTT reads: every step's gates, cells, tanh(cells) and hidden states.
    init(allocatingFor operands: RecurrentOperands) throws {
        let g = operands.geometry
        self.operands = operands
        gates = try operands.sequenceBuffer(width: g.width)
        cells = try operands.sequenceBuffer(width: g.units)
        cellTanh = try operands.sequenceBuffer(width: g.units)
        hidden = try operands.sequenceBuffer(width: g.units)
    }

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
    let forward: LSTMForwardRun
    let sequence: Tensor?, lastOutput: Tensor?, finalHidden: Tensor?, finalCell: Tensor?
    let dInputs: Tensor, dKernel: Tensor, dRecurrentKernel: Tensor, dBias: Tensor, dHidden: Tensor, dCell: Tensor
    let gateGradients: Tensor, stackedInputs: Tensor

    init(
        forward: LSTMForwardRun, sequence: Tensor?, lastOutput: Tensor?, finalHidden: Tensor?, finalCell: Tensor?
    ) throws {
        self.forward = forward
        (self.sequence, self.lastOutput, self.finalHidden, self.finalCell) = (
            sequence, lastOutput, finalHidden, finalCell
        )
        let operands = forward.operands, g = operands.geometry
        (dInputs, dKernel, dRecurrentKernel, dBias) = try operands.operandGradientBuffers()
        dHidden = try operands.stateBuffer()
        dCell = try operands.stateBuffer()
        gateGradients = try operands.sequenceBuffer(width: g.width)
        stackedInputs = try operands.sequenceBuffer(width: g.features + g.units)
    }

    func visit<T: RecurrentElement>(_: T.Type) throws {
        let operands = forward.operands
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

/// The two LSTMs of a Bidirectional layer over the same inputs and mask, run side by side
/// (`runSideBySide`): the same results as two `lstm` calls, each direction's kernel alone
/// on its own thread. Under a tape, one node whose VJP gives the gradients of both calls'
/// operands in order (the shared inputs' twice, which the tape adds up).
public func lstmPair(
    _ inputs: Tensor, mask: Tensor?, returnSequences: Bool,
    _ directions: [(
        kernel: Tensor, recurrentKernel: Tensor, bias: Tensor?, initialHidden: Tensor?, initialCell: Tensor?,
        goBackwards: Bool
    )]
) throws -> [(outputs: Tensor, hidden: Tensor, cell: Tensor)] {
    let operands = try directions.map {
        try lstmOperands(
            inputs, kernel: $0.kernel, recurrentKernel: $0.recurrentKernel, bias: $0.bias,
            initialHidden: $0.initialHidden, initialCell: $0.initialCell, mask: mask, goBackwards: $0.goBackwards)
    }
    return operands.isEmpty ? [] : try runLSTMs(operands, returnSequences: returnSequences)
}
