import SwiftDLAVX2
import SwiftDLAVX512

/// Whole-sequence LSTM (Keras layout: kernel (in, 4u), recurrent kernel (u, 4u), bias (4u),
/// gate blocks i, f, c, o; sigmoid gates, tanh cell activation):
///   z = x·W + h_{t-1}·U + b,  i = σ(z_i), f = σ(z_f), g = tanh(z_c), o = σ(z_o)
///   c_t = f·c_{t-1} + i·g,    h_t = o·tanh(c_t)
/// Layouts are those of `RecurrentGeometry`.

/// What the forward pass keeps for BPTT.
public struct LSTMSaved<T> {
    /// (batch, time, 4u) by input time: the activations i, f, g, o.
    public var gates: UnsafeMutablePointer<T>
    /// (batch, time, u) by step: c_t, tanh(c_t) and h_t.
    public var cells: UnsafeMutablePointer<T>
    public var cellTanh: UnsafeMutablePointer<T>
    public var hidden: UnsafeMutablePointer<T>

    public init(
        gates: UnsafeMutablePointer<T>, cells: UnsafeMutablePointer<T>,
        cellTanh: UnsafeMutablePointer<T>, hidden: UnsafeMutablePointer<T>
    ) {
        self.gates = gates
        self.cells = cells
        self.cellTanh = cellTanh
        self.hidden = hidden
    }
}

/// Runs the recurrence over every step: each step writes x_t·W + h_{s-1}·U into its rows of
/// `saved.gates` with two GEMMs (see `projectStepInputs`), then fused passes do the gate
/// math. Batch slices run in parallel (see `forEachBatchSlice`).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func lstmForward<T: RecurrentElement>(
    _ g: RecurrentGeometry, x: UnsafePointer<T>, kernel: UnsafePointer<T>, recurrentKernel: UnsafePointer<T>,
    bias: UnsafePointer<T>, initialHidden: UnsafePointer<T>, initialCell: UnsafePointer<T>, mask: RecurrentMask?,
    saved: LSTMSaved<T>
) {
    forEachBatchSlice(batch: g.batch, workPerRow: g.recurrenceFlopsPerRow) { rows in
        lstmForwardSlice(
            g, rows: rows, x: x, kernel: kernel, recurrentKernel: recurrentKernel, bias: bias,
            initialHidden: initialHidden, initialCell: initialCell, mask: mask, saved: saved)
    }
}

private func lstmForwardSlice<T: RecurrentElement>(
    _ g: RecurrentGeometry, rows: Range<Int>, x: UnsafePointer<T>, kernel: UnsafePointer<T>,
    recurrentKernel: UnsafePointer<T>, bias: UnsafePointer<T>, initialHidden: UnsafePointer<T>,
    initialCell: UnsafePointer<T>, mask: RecurrentMask?, saved: LSTMSaved<T>
) {
    let u = g.units, width = g.width, time = g.time, first = rows.lowerBound
    for s in 0..<time {
        let t = g.inputTime(step: s)
        let z = saved.gates + (first * time + t) * width
        let previous =
            s == 0
            ? rowMajor(initialHidden + first * u, u)
            : rowMajor(UnsafePointer(saved.hidden + (first * time + s - 1) * u), time * u)
        projectStepInputs(g, rows: rows, time: t, x: x, kernel: kernel, into: z, leadingDimension: time * width)
        gemm(
            m: rows.count, n: width, k: u, previous, rowMajor(recurrentKernel, width), z, ldc: time * width,
            accumulate: true)
        for b in rows {
            let row = saved.gates + (b * time + t) * width
            let state = (b * time + s) * u
            let cPrevious = s == 0 ? initialCell + b * u : UnsafePointer(saved.cells + state - u)
            let c = saved.cells + state, tc = saved.cellTanh + state, h = saved.hidden + state
            lstmCell(gates: row, bias: bias, previousCell: cPrevious, cell: c, cellTanh: tc, hidden: h, units: u)
            if let mask, !mask.keeps(g, row: b, time: t) {
                // A masked step carries the states over (its gates are ignored by BPTT).
                c.update(from: cPrevious, count: u)
                h.update(from: s == 0 ? initialHidden + b * u : UnsafePointer(saved.hidden + state - u), count: u)
            }
        }
    }
}

/// One batch row of one step, from its pre-activations z = x·W + h_{t-1}·U (without b):
/// gates ← the activations i, f, g, o; cell ← c_t; cellTanh ← tanh(c_t); hidden ← h_t.
/// cell may be previousCell itself (each element is read before it is written).
@inline(__always)
package func lstmCell<T: RecurrentElement>(
    gates row: UnsafeMutablePointer<T>, bias: UnsafePointer<T>, previousCell: UnsafePointer<T>,
    cell c: UnsafeMutablePointer<T>, cellTanh tc: UnsafeMutablePointer<T>, hidden h: UnsafeMutablePointer<T>,
    units u: Int
) {
    if T.self == Float.self && lstmCellsUseAVX512 && u % 16 == 0 {
        lstmCellForwardAVX512(
            gates: row.asFloat, bias: bias.asFloat, previousCell: previousCell.asFloat, cell: c.asFloat,
            cellTanh: tc.asFloat, hidden: h.asFloat, units: u)
        return
    }
    if T.self == Float.self && lstmCellsUseAVX2 && u % 8 == 0 {
        lstmCellForwardAVX2(
            gates: row.asFloat, bias: bias.asFloat, previousCell: previousCell.asFloat, cell: c.asFloat,
            cellTanh: tc.asFloat, hidden: h.asFloat, units: u)
        return
    }
    // Separate single-purpose passes vectorise; one loop over seven pointers does not.
    for k in 0..<(4 * u) { row[k] += bias[k] }
    T.applySigmoid(row, count: 2 * u) // i, f
    T.applyTanh(row + 2 * u, count: u) // candidate g
    T.applySigmoid(row + 3 * u, count: u) // o
    for j in 0..<u { c[j] = row[u + j] * previousCell[j] + row[j] * row[2 * u + j] }
    for j in 0..<u { tc[j] = c[j] }
    T.applyTanh(tc, count: u)
    for j in 0..<u { h[j] = row[3 * u + j] * tc[j] }
}

/// The recurrence for inference, when no tape will ask for BPTT: nothing per step is kept.
/// Each step projects its own inputs and adds h_{t-1} · U into a (rows, 4u) buffer per
/// batch slice (`recurrentInferenceSteps`); the cell and hidden states are updated in place
/// in (batch, u) buffers. `lstmForward` instead fills
/// (batch, time, 7u) of saved sequences (91 MB at batch 256 for the document's model),
/// whose memory traffic and page faults cost more than its one large projection GEMM saves.
///
/// - Parameters:
///   - hidden, cell: (batch, u); on entry the initial states, on return the final ones.
///   - hiddenSequence: when given, (batch, time, u) by step receives every h_t.
///   - scratch: batch · 5u elements.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func lstmInference<T: RecurrentElement>(
    _ g: RecurrentGeometry, x: UnsafePointer<T>, kernel: UnsafePointer<T>, recurrentKernel: UnsafePointer<T>,
    bias: UnsafePointer<T>, mask: RecurrentMask?, hidden: UnsafeMutablePointer<T>, cell: UnsafeMutablePointer<T>,
    hiddenSequence: UnsafeMutablePointer<T>?, scratch: UnsafeMutablePointer<T>
) {
    let u = g.units
    // Per row: z = x·W + h·U (4u), then tanh(c_t) (u).
    recurrentInferenceSteps(
        g, x: x, kernel: kernel, recurrentKernel: recurrentKernel, mask: mask, hidden: hidden,
        hiddenSequence: hiddenSequence, scratch: scratch, scratchPerRow: 5 * u,
        separateRecurrent: false
    ) { b, z, _, cellTanh, h in
        lstmCell(
            gates: z, bias: bias, previousCell: cell + b * u, cell: cell + b * u, cellTanh: cellTanh, hidden: h,
            units: u)
    }
}

/// Where the LSTM's gradients go, and the scratch BPTT needs (no per-step allocation).
public struct LSTMGradients<T> {
    public var inputs: UnsafeMutablePointer<T> // (batch, time, features)
    public var kernel: UnsafeMutablePointer<T> // (features, 4u)
    public var recurrentKernel: UnsafeMutablePointer<T> // (u, 4u)
    public var bias: UnsafeMutablePointer<T> // (4u)
    public var initialHidden: UnsafeMutablePointer<T> // (batch, u); the running dh during BPTT
    public var initialCell: UnsafeMutablePointer<T> // (batch, u); the running dc during BPTT
    /// Scratch: pre-activation gradients (batch, time, 4u) by input time, and
    /// (batch, time, features + u) for `recurrentWeightGradients`.
    public var gateGradients: UnsafeMutablePointer<T>
    public var stackedInputs: UnsafeMutablePointer<T>

    public init(
        inputs: UnsafeMutablePointer<T>, kernel: UnsafeMutablePointer<T>, recurrentKernel: UnsafeMutablePointer<T>,
        bias: UnsafeMutablePointer<T>, initialHidden: UnsafeMutablePointer<T>, initialCell: UnsafeMutablePointer<T>,
        gateGradients: UnsafeMutablePointer<T>, stackedInputs: UnsafeMutablePointer<T>
    ) {
        self.inputs = inputs
        self.kernel = kernel
        self.recurrentKernel = recurrentKernel
        self.bias = bias
        self.initialHidden = initialHidden
        self.initialCell = initialCell
        self.gateGradients = gateGradients
        self.stackedInputs = stackedInputs
    }
}

/// Backpropagation through time: per step one fused loop, then dZ·Uᵀ and dZ·kernelᵀ (batch
/// slices in parallel), then the weight gradients over all steps (`recurrentWeightGradients`).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func lstmBackward<T: RecurrentElement>(
    _ g: RecurrentGeometry, x: UnsafePointer<T>, kernel: UnsafePointer<T>, recurrentKernel: UnsafePointer<T>,
    initialHidden: UnsafePointer<T>, initialCell: UnsafePointer<T>, mask: RecurrentMask?, saved: LSTMSaved<T>,
    upstream: RecurrentUpstream<T>, gradients: LSTMGradients<T>
) {
    forEachBackwardSlice(g, kernel: kernel, recurrentKernel: recurrentKernel) { rows, kernels in
        lstmBackwardSlice(
            g, rows: rows, kernels: kernels, initialCell: initialCell, mask: mask, saved: saved,
            upstream: upstream, gradients: gradients)
    }
    let dZ = UnsafePointer(gradients.gateGradients)
    recurrentWeightGradients(
        g, x: x, hidden: saved.hidden, initialHidden: initialHidden,
        inputGateGradients: dZ, recurrentGateGradients: dZ, stackedInputs: gradients.stackedInputs,
        kernelGradient: gradients.kernel,
        recurrentKernelGradient: gradients.recurrentKernel, biasGradient: gradients.bias)
}

private func lstmBackwardSlice<T: RecurrentElement>(
    _ g: RecurrentGeometry, rows: Range<Int>, kernels: TransposedKernels<T>, initialCell: UnsafePointer<T>,
    mask: RecurrentMask?, saved: LSTMSaved<T>, upstream: RecurrentUpstream<T>, gradients: LSTMGradients<T>
) {
    let u = g.units, width = g.width, time = g.time, first = rows.lowerBound
    let dh = gradients.initialHidden, dc = gradients.initialCell
    upstream.seedHidden(g, rows: rows, mask: mask, into: dh)
    for i in first * u..<rows.upperBound * u { dc[i] = upstream.finalCell?[i] ?? T.zero }
    for s in stride(from: time - 1, through: 0, by: -1) {
        if let sequence = upstream.sequence {
            addStepGradient(g, step: s, rows: rows, sequence: sequence, mask: mask, into: dh)
        }
        let t = g.inputTime(step: s)
        for b in rows {
            let row = UnsafePointer(saved.gates + (b * time + t) * width)
            let out = gradients.gateGradients + (b * time + t) * width
            if let mask, !mask.keeps(g, row: b, time: t) {
                // The states passed through: dh and dc carry on; the gates get nothing.
                out.update(repeating: T.zero, count: width)
                continue
            }
            let state = (b * time + s) * u
            let cPrevious = s == 0 ? initialCell + b * u : UnsafePointer(saved.cells + state - u)
            let tc = UnsafePointer(saved.cellTanh + state)
            let dhRow = dh + b * u, dcRow = dc + b * u
            if T.self == Float.self && lstmCellsUseAVX2 && u % 8 == 0 {
                lstmCellBackwardAVX2(
                    gates: row.asFloat, cellTanh: tc.asFloat, previousCell: cPrevious.asFloat,
                    dh: UnsafePointer(dhRow).asFloat, dc: dcRow.asFloat, out: out.asFloat, units: u)
                dhRow.update(repeating: T.zero, count: u)
                continue
            }
            for j in 0..<u {
                let i = row[j], f = row[u + j], candidate = row[2 * u + j], o = row[3 * u + j]
                let squashed = tc[j], dhj = dhRow[j]
                let dCell = dcRow[j] + dhj * o * (1 - squashed * squashed)
                out[j] = dCell * candidate * i * (1 - i)
                out[u + j] = dCell * cPrevious[j] * f * (1 - f)
                out[2 * u + j] = dCell * i * (1 - candidate * candidate)
                out[3 * u + j] = dhj * squashed * o * (1 - o)
                dcRow[j] = dCell * f
            }
            dhRow.update(repeating: T.zero, count: u) // the GEMM below supplies all of dh_{s-1}
        }
        let dZ = UnsafePointer(gradients.gateGradients)
        finishBackwardStep(
            g, rows: rows, time: t, inputGateGradients: dZ, recurrentGateGradients: dZ, kernels: kernels,
            dh: dh, inputsGradient: gradients.inputs)
    }
}

/// The float32 gate math runs eight lanes at a time (SwiftDLAVX2/LSTMCell.swift, the same
/// expressions in the same order) on CPUs with AVX2.
package let lstmCellsUseAVX2 = CPUFeatures.current.hasAVX2
/// And sixteen at a time in the forward pass on AVX-512 CPUs (SwiftDLAVX512/LSTMCell.swift).
package let lstmCellsUseAVX512 = CPUFeatures.current.hasAVX512Kernels
