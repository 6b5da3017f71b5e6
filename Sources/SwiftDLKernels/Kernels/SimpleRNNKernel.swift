/// Whole-sequence SimpleRNN (Keras layout: kernel (in, u), recurrent kernel (u, u), bias (u)):
///   h_t = tanh(x·W + h_{t-1}·U + b)
/// Layouts are those of `RecurrentGeometry` with one gate block.

/// Runs the recurrence, keeping only `hidden` (batch, time, u) by step: each step writes
/// x_t·W (see `projectStepInputs`) and adds h_{s-1}·U into its own rows of `hidden`, then
/// adds the bias and takes tanh in place. Batch slices run in parallel (see
/// `forEachBatchSlice`).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func simpleRNNForward<T: RecurrentElement>(
    _ g: RecurrentGeometry, x: UnsafePointer<T>, kernel: UnsafePointer<T>, recurrentKernel: UnsafePointer<T>,
    bias: UnsafePointer<T>, initialHidden: UnsafePointer<T>, mask: RecurrentMask?, hidden: UnsafeMutablePointer<T>
) {
    let u = g.units, time = g.time
    forEachBatchSlice(batch: g.batch, workPerRow: g.recurrenceFlopsPerRow) { rows in
        let first = rows.lowerBound
        for s in 0..<time {
            let t = g.inputTime(step: s)
            let previous =
                s == 0
                ? rowMajor(initialHidden + first * u, u)
                : rowMajor(UnsafePointer(hidden + (first * time + s - 1) * u), time * u)
            let step = hidden + (first * time + s) * u
            projectStepInputs(g, rows: rows, time: t, x: x, kernel: kernel, into: step, leadingDimension: time * u)
            gemm(
                m: rows.count, n: u, k: u, previous, rowMajor(recurrentKernel, u), step, ldc: time * u, accumulate: true
            )
            for b in rows {
                let h = hidden + (b * time + s) * u
                for j in 0..<u { h[j] += bias[j] }
                T.applyTanh(h, count: u)
                if let mask, !mask.keeps(g, row: b, time: t) { // carry the state
                    h.update(from: s == 0 ? initialHidden + b * u : UnsafePointer(h - u), count: u)
                }
            }
        }
    }
}

/// Where SimpleRNN's gradients go, and BPTT's scratch.
public struct SimpleRNNGradients<T> {
    public var inputs: UnsafeMutablePointer<T> // (batch, time, features)
    public var kernel: UnsafeMutablePointer<T> // (features, u)
    public var recurrentKernel: UnsafeMutablePointer<T> // (u, u)
    public var bias: UnsafeMutablePointer<T> // (u)
    public var initialHidden: UnsafeMutablePointer<T> // (batch, u); the running dh during BPTT
    /// Scratch: pre-activation gradients (batch, time, u) by input time, and
    /// (batch, time, features + u) for `recurrentWeightGradients`.
    public var gateGradients: UnsafeMutablePointer<T>
    public var stackedInputs: UnsafeMutablePointer<T>

    public init(
        inputs: UnsafeMutablePointer<T>, kernel: UnsafeMutablePointer<T>, recurrentKernel: UnsafeMutablePointer<T>,
        bias: UnsafeMutablePointer<T>, initialHidden: UnsafeMutablePointer<T>,
        gateGradients: UnsafeMutablePointer<T>, stackedInputs: UnsafeMutablePointer<T>
    ) {
        self.inputs = inputs
        self.kernel = kernel
        self.recurrentKernel = recurrentKernel
        self.bias = bias
        self.initialHidden = initialHidden
        self.gateGradients = gateGradients
        self.stackedInputs = stackedInputs
    }
}

/// Backpropagation through time for `simpleRNNForward` (batch slices in parallel; each step
/// also gives dX_t, see `finishBackwardStep`), then the weight gradients over all steps
/// (`recurrentWeightGradients`).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func simpleRNNBackward<T: RecurrentElement>(
    _ g: RecurrentGeometry, x: UnsafePointer<T>, kernel: UnsafePointer<T>, recurrentKernel: UnsafePointer<T>,
    initialHidden: UnsafePointer<T>, mask: RecurrentMask?, hidden: UnsafePointer<T>, upstream: RecurrentUpstream<T>,
    gradients: SimpleRNNGradients<T>
) {
    forEachBackwardSlice(g, kernel: kernel, recurrentKernel: recurrentKernel) { rows, kernels in
        simpleRNNBackwardSlice(
            g, rows: rows, kernels: kernels, mask: mask, hidden: hidden, upstream: upstream,
            gradients: gradients)
    }
    let dZ = UnsafePointer(gradients.gateGradients)
    recurrentWeightGradients(
        g, x: x, hidden: hidden, initialHidden: initialHidden,
        inputGateGradients: dZ, recurrentGateGradients: dZ, stackedInputs: gradients.stackedInputs,
        kernelGradient: gradients.kernel,
        recurrentKernelGradient: gradients.recurrentKernel, biasGradient: gradients.bias)
}

private func simpleRNNBackwardSlice<T: RecurrentElement>(
    _ g: RecurrentGeometry, rows: Range<Int>, kernels: TransposedKernels<T>, mask: RecurrentMask?,
    hidden: UnsafePointer<T>, upstream: RecurrentUpstream<T>, gradients: SimpleRNNGradients<T>
) {
    let u = g.units, time = g.time
    let dh = gradients.initialHidden
    upstream.seedHidden(g, rows: rows, mask: mask, into: dh)
    for s in stride(from: time - 1, through: 0, by: -1) {
        if let sequence = upstream.sequence {
            addStepGradient(g, step: s, rows: rows, sequence: sequence, mask: mask, into: dh)
        }
        let t = g.inputTime(step: s)
        for b in rows {
            let h = hidden + (b * time + s) * u, out = gradients.gateGradients + (b * time + t) * u, dhRow = dh + b * u
            if let mask, !mask.keeps(g, row: b, time: t) {
                out.update(repeating: T.zero, count: u) // the state passed through: dh carries on
                continue
            }
            for j in 0..<u { out[j] = dhRow[j] * (1 - h[j] * h[j]) }
            dhRow.update(repeating: T.zero, count: u) // the GEMM below supplies all of dh_{s-1}
        }
        let dZ = UnsafePointer(gradients.gateGradients)
        finishBackwardStep(
            g, rows: rows, time: t, inputGateGradients: dZ, recurrentGateGradients: dZ, kernels: kernels,
            dh: dh, inputsGradient: gradients.inputs)
    }
}
