/// Whole-sequence GRU in Keras 3's default form (reset_after=True): kernel (in, 3u),
/// recurrent kernel (u, 3u), bias (2, 3u) = [input bias; recurrent bias], gate blocks z, r, h:
///   x̂ = x·W + b_in,  ĥ = h_{t-1}·U + b_rec
///   z = σ(x̂_z + ĥ_z),  r = σ(x̂_r + ĥ_r),  hh = tanh(x̂_h + r·ĥ_h)
///   h_t = z·h_{t-1} + (1 - z)·hh          (Keras's convention for which side z weighs)
/// Layouts are those of `RecurrentGeometry`.

/// What the forward pass keeps for BPTT.
public struct GRUSaved<T> {
    /// (batch, time, 3u) by input time: the activations z, r, hh.
    public var gates: UnsafeMutablePointer<T>
    /// (batch, time, u) by input time: ĥ_h = (h_{t-1}·U)_h + b_rec,h, which r multiplied.
    public var recurrentCandidate: UnsafeMutablePointer<T>
    /// (batch, time, u) by step: h_t.
    public var hidden: UnsafeMutablePointer<T>

    public init(
        gates: UnsafeMutablePointer<T>, recurrentCandidate: UnsafeMutablePointer<T>, hidden: UnsafeMutablePointer<T>
    ) {
        self.gates = gates
        self.recurrentCandidate = recurrentCandidate
        self.hidden = hidden
    }
}

/// Runs the recurrence: each step writes x_t·W into its rows of `saved.gates` (see
/// `projectStepInputs`) and h_{s-1}·U into `scratch` (batch, 3u), then the cell does the gate
/// math. `bias` is the (2, 3u) Keras bias (zeros when the layer has none). Batch slices run
/// in parallel (see `forEachBatchSlice`).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func gruForward<T: RecurrentElement>(
    _ g: RecurrentGeometry, x: UnsafePointer<T>, kernel: UnsafePointer<T>, recurrentKernel: UnsafePointer<T>,
    bias: UnsafePointer<T>, initialHidden: UnsafePointer<T>, mask: RecurrentMask?, saved: GRUSaved<T>,
    scratch: UnsafeMutablePointer<T>
) {
    forEachBatchSlice(batch: g.batch, workPerRow: g.recurrenceFlopsPerRow) { rows in
        gruForwardSlice(
            g, rows: rows, x: x, kernel: kernel, recurrentKernel: recurrentKernel, bias: bias,
            initialHidden: initialHidden, mask: mask, saved: saved, scratch: scratch)
    }
}

private func gruForwardSlice<T: RecurrentElement>(
    _ g: RecurrentGeometry, rows: Range<Int>, x: UnsafePointer<T>, kernel: UnsafePointer<T>,
    recurrentKernel: UnsafePointer<T>, bias: UnsafePointer<T>, initialHidden: UnsafePointer<T>, mask: RecurrentMask?,
    saved: GRUSaved<T>, scratch: UnsafeMutablePointer<T>
) {
    let u = g.units, width = g.width, time = g.time, first = rows.lowerBound
    let inputBias = bias, recurrentBias = bias + width
    for s in 0..<time {
        let t = g.inputTime(step: s)
        let previous = s == 0 ? initialHidden : UnsafePointer(saved.hidden + (s - 1) * u)
        let previousStride = s == 0 ? u : time * u
        projectStepInputs(
            g, rows: rows, time: t, x: x, kernel: kernel, into: saved.gates + (first * time + t) * width,
            leadingDimension: time * width)
        gemm(
            m: rows.count, n: width, k: u, rowMajor(previous + first * previousStride, previousStride),
            rowMajor(recurrentKernel, width), scratch + first * width, ldc: width)
        for b in rows {
            let row = saved.gates + (b * time + t) * width
            let recurrent = UnsafePointer(scratch + b * width)
            let hPrevious = previous + b * previousStride
            let candidateOut = saved.recurrentCandidate + (b * time + t) * u
            let h = saved.hidden + (b * time + s) * u
            gruCell(
                gates: row, recurrent: recurrent, inputBias: inputBias, recurrentBias: recurrentBias,
                previous: hPrevious,
                candidate: candidateOut, hidden: h, units: u)
            if let mask, !mask.keeps(g, row: b, time: t) { h.update(from: hPrevious, count: u) } // carry the state
        }
    }
}

/// One batch row of one step, from x̂ = x·W in `row` and ĥ = h_{t-1}·U in `recurrent`
/// (both without their biases): row ← the activations z, r, hh; candidate ← ĥ_h + b_rec,h
/// (what r multiplied); hidden ← h_t. hidden may be previous itself (each element is read
/// before it is written).
@inline(__always)
package func gruCell<T: RecurrentElement>(
    gates row: UnsafeMutablePointer<T>, recurrent: UnsafePointer<T>, inputBias: UnsafePointer<T>,
    recurrentBias: UnsafePointer<T>,
    previous hPrevious: UnsafePointer<T>, candidate: UnsafeMutablePointer<T>, hidden h: UnsafeMutablePointer<T>,
    units u: Int
) {
    // Single-purpose passes, so the activations vectorise (see `applySigmoid`).
    for k in 0..<2 * u { row[k] = row[k] + inputBias[k] + (recurrent[k] + recurrentBias[k]) }
    T.applySigmoid(row, count: 2 * u) // z, r
    for j in 0..<u { candidate[j] = recurrent[2 * u + j] + recurrentBias[2 * u + j] }
    for j in 0..<u { row[2 * u + j] = row[2 * u + j] + inputBias[2 * u + j] + row[u + j] * candidate[j] }
    T.applyTanh(row + 2 * u, count: u) // hh
    for j in 0..<u { h[j] = row[j] * hPrevious[j] + (1 - row[j]) * row[2 * u + j] }
}

/// The recurrence for inference, when no tape will ask for BPTT: nothing per step is kept
/// (the same scheme as `lstmInference`, through `recurrentInferenceSteps`): each step
/// projects its own inputs (x_t · W) and h_{t-1} · U into per-slice buffers, and the hidden
/// state is updated in place.
///
/// - Parameters:
///   - hidden: (batch, u); on entry the initial state, on return the final one.
///   - hiddenSequence: when given, (batch, time, u) by step receives every h_t.
///   - scratch: batch · 7u elements.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func gruInference<T: RecurrentElement>(
    _ g: RecurrentGeometry, x: UnsafePointer<T>, kernel: UnsafePointer<T>, recurrentKernel: UnsafePointer<T>,
    bias: UnsafePointer<T>, mask: RecurrentMask?, hidden: UnsafeMutablePointer<T>,
    hiddenSequence: UnsafeMutablePointer<T>?, scratch: UnsafeMutablePointer<T>
) {
    let u = g.units, width = g.width
    // Per row: x̂ (3u) and ĥ (3u) kept apart (r scales ĥ_h only), then ĥ_h + b (u).
    recurrentInferenceSteps(
        g, x: x, kernel: kernel, recurrentKernel: recurrentKernel, mask: mask, hidden: hidden,
        hiddenSequence: hiddenSequence, scratch: scratch, scratchPerRow: 7 * u,
        separateRecurrent: true
    ) { _, projected, recurrent, candidate, h in
        gruCell(
            gates: projected, recurrent: recurrent, inputBias: bias, recurrentBias: bias + width,
            previous: UnsafePointer(h),
            candidate: candidate, hidden: h, units: u)
    }
}

/// Where the GRU's gradients go, and BPTT's scratch.
public struct GRUGradients<T> {
    public var inputs: UnsafeMutablePointer<T> // (batch, time, features)
    public var kernel: UnsafeMutablePointer<T> // (features, 3u)
    public var recurrentKernel: UnsafeMutablePointer<T> // (u, 3u)
    public var bias: UnsafeMutablePointer<T> // (2, 3u)
    public var initialHidden: UnsafeMutablePointer<T> // (batch, u); the running dh during BPTT
    /// Scratch (batch, time, 3u) by input time: gradients of x̂ and of ĥ (they differ in the
    /// h block, where ĥ_h was scaled by r); and (batch, time, features + u) for
    /// `recurrentWeightGradients`.
    public var inputGateGradients: UnsafeMutablePointer<T>
    public var recurrentGateGradients: UnsafeMutablePointer<T>
    public var stackedInputs: UnsafeMutablePointer<T>

    public init(
        inputs: UnsafeMutablePointer<T>, kernel: UnsafeMutablePointer<T>, recurrentKernel: UnsafeMutablePointer<T>,
        bias: UnsafeMutablePointer<T>, initialHidden: UnsafeMutablePointer<T>,
        inputGateGradients: UnsafeMutablePointer<T>, recurrentGateGradients: UnsafeMutablePointer<T>,
        stackedInputs: UnsafeMutablePointer<T>
    ) {
        self.inputs = inputs
        self.kernel = kernel
        self.recurrentKernel = recurrentKernel
        self.bias = bias
        self.initialHidden = initialHidden
        self.inputGateGradients = inputGateGradients
        self.recurrentGateGradients = recurrentGateGradients
        self.stackedInputs = stackedInputs
    }
}

/// Backpropagation through time for `gruForward` (batch slices in parallel; each step also
/// gives dX_t, see `finishBackwardStep`), then the weight gradients over all steps
/// (`recurrentWeightGradients`).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func gruBackward<T: RecurrentElement>(
    _ g: RecurrentGeometry, x: UnsafePointer<T>, kernel: UnsafePointer<T>, recurrentKernel: UnsafePointer<T>,
    initialHidden: UnsafePointer<T>, mask: RecurrentMask?, saved: GRUSaved<T>, upstream: RecurrentUpstream<T>,
    gradients: GRUGradients<T>
) {
    forEachBackwardSlice(g, kernel: kernel, recurrentKernel: recurrentKernel) { rows, kernels in
        gruBackwardSlice(
            g, rows: rows, kernels: kernels, initialHidden: initialHidden, mask: mask, saved: saved,
            upstream: upstream, gradients: gradients)
    }
    recurrentWeightGradients(
        g, x: x, hidden: saved.hidden, initialHidden: initialHidden,
        inputGateGradients: gradients.inputGateGradients,
        recurrentGateGradients: gradients.recurrentGateGradients,
        stackedInputs: gradients.stackedInputs, kernelGradient: gradients.kernel,
        recurrentKernelGradient: gradients.recurrentKernel, biasGradient: gradients.bias)
}

private func gruBackwardSlice<T: RecurrentElement>(
    _ g: RecurrentGeometry, rows: Range<Int>, kernels: TransposedKernels<T>, initialHidden: UnsafePointer<T>,
    mask: RecurrentMask?, saved: GRUSaved<T>, upstream: RecurrentUpstream<T>, gradients: GRUGradients<T>
) {
    let u = g.units, width = g.width, time = g.time
    let dh = gradients.initialHidden
    upstream.seedHidden(g, rows: rows, mask: mask, into: dh)
    for s in stride(from: time - 1, through: 0, by: -1) {
        if let sequence = upstream.sequence {
            addStepGradient(g, step: s, rows: rows, sequence: sequence, mask: mask, into: dh)
        }
        let t = g.inputTime(step: s)
        for b in rows {
            let offset = (b * time + t) * width
            let row = UnsafePointer(saved.gates + offset)
            let dx = gradients.inputGateGradients + offset, dr = gradients.recurrentGateGradients + offset
            if let mask, !mask.keeps(g, row: b, time: t) {
                // The state passed through: dh carries on; the gates get nothing.
                dx.update(repeating: T.zero, count: width)
                dr.update(repeating: T.zero, count: width)
                continue
            }
            let recurrentCandidate = UnsafePointer(saved.recurrentCandidate + (b * time + t) * u)
            let hPrevious = s == 0 ? initialHidden + b * u : UnsafePointer(saved.hidden + (b * time + s - 1) * u)
            let dhRow = dh + b * u
            for j in 0..<u {
                let z = row[j], r = row[u + j], candidate = row[2 * u + j], dhj = dhRow[j]
                let dCandidate = dhj * (1 - z) * (1 - candidate * candidate)
                let dz = dhj * (hPrevious[j] - candidate) * z * (1 - z)
                let dReset = dCandidate * recurrentCandidate[j] * r * (1 - r)
                dx[j] = dz
                dx[u + j] = dReset
                dx[2 * u + j] = dCandidate
                dr[j] = dz
                dr[u + j] = dReset
                dr[2 * u + j] = dCandidate * r
                dhRow[j] = dhj * z // the direct path; the GEMM below adds the gates' share
            }
        }
        finishBackwardStep(
            g, rows: rows, time: t, inputGateGradients: UnsafePointer(gradients.inputGateGradients),
            recurrentGateGradients: UnsafePointer(gradients.recurrentGateGradients), kernels: kernels, dh: dh,
            inputsGradient: gradients.inputs)
    }
}
