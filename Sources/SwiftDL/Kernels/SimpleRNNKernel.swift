/// Whole-sequence SimpleRNN (Keras layout: kernel (in, u), recurrent kernel (u, u), bias (u)):
///   h_t = tanh(x·W + h_{t-1}·U + b)
/// Layouts are those of `RecurrentGeometry` with one gate block.

/// Runs the recurrence. `projection` (batch, time, u) must hold x·W; each step adds h·U
/// into its rows in place. The forward keeps only `hidden` (batch, time, u) by step.
public func simpleRNNForward<T: RecurrentElement>(
    _ g: RecurrentGeometry, recurrentKernel: UnsafePointer<T>, bias: UnsafePointer<T>,
    initialHidden: UnsafePointer<T>, projection: UnsafeMutablePointer<T>, hidden: UnsafeMutablePointer<T>
) {
    let u = g.units, time = g.time
    for s in 0..<time {
        let t = g.inputTime(step: s)
        let z = projection + t * u
        let previous = s == 0 ? rowMajor(initialHidden, u) : rowMajor(UnsafePointer(hidden + (s - 1) * u), time * u)
        gemm(m: g.batch, n: u, k: u, previous, rowMajor(recurrentKernel, u), z, ldc: time * u, accumulate: true)
        for b in 0..<g.batch {
            let row = UnsafePointer(z + b * time * u)
            let h = hidden + (b * time + s) * u
            for j in 0..<u { h[j] = T.gateTanh(row[j] + bias[j]) }
        }
    }
}

/// Where SimpleRNN's gradients go, and BPTT's scratch.
public struct SimpleRNNGradients<T> {
    public var inputs: UnsafeMutablePointer<T>           // (batch, time, features)
    public var kernel: UnsafeMutablePointer<T>           // (features, u)
    public var recurrentKernel: UnsafeMutablePointer<T>  // (u, u)
    public var bias: UnsafeMutablePointer<T>             // (u)
    public var initialHidden: UnsafeMutablePointer<T>    // (batch, u); the running dh during BPTT
    /// Scratch: pre-activation gradients (batch, time, u) by input time, and Hprev.
    public var gateGradients: UnsafeMutablePointer<T>
    public var previousHidden: UnsafeMutablePointer<T>

    public init(inputs: UnsafeMutablePointer<T>, kernel: UnsafeMutablePointer<T>, recurrentKernel: UnsafeMutablePointer<T>,
                bias: UnsafeMutablePointer<T>, initialHidden: UnsafeMutablePointer<T>,
                gateGradients: UnsafeMutablePointer<T>, previousHidden: UnsafeMutablePointer<T>) {
        self.inputs = inputs
        self.kernel = kernel
        self.recurrentKernel = recurrentKernel
        self.bias = bias
        self.initialHidden = initialHidden
        self.gateGradients = gateGradients
        self.previousHidden = previousHidden
    }
}

/// Backpropagation through time for `simpleRNNForward`.
public func simpleRNNBackward<T: RecurrentElement>(
    _ g: RecurrentGeometry, x: UnsafePointer<T>, kernel: UnsafePointer<T>, recurrentKernel: UnsafePointer<T>,
    initialHidden: UnsafePointer<T>, hidden: UnsafePointer<T>, upstream: RecurrentUpstream<T>,
    gradients: SimpleRNNGradients<T>
) {
    let u = g.units, time = g.time
    let dh = gradients.initialHidden
    upstream.seedHidden(g, into: dh)
    for s in stride(from: time - 1, through: 0, by: -1) {
        if let sequence = upstream.sequence { addStepGradient(g, step: s, sequence: sequence, into: dh) }
        let t = g.inputTime(step: s)
        let dz = gradients.gateGradients + t * u
        for b in 0..<g.batch {
            let h = hidden + (b * time + s) * u, out = dz + b * time * u, dhRow = dh + b * u
            for j in 0..<u { out[j] = dhRow[j] * (1 - h[j] * h[j]) }
        }
        gemm(m: g.batch, n: u, k: u, rowMajor(UnsafePointer(dz), time * u), transposed(recurrentKernel, u), dh, ldc: u)
    }
    let dZ = UnsafePointer(gradients.gateGradients)
    recurrentWeightGradients(g, x: x, kernel: kernel, hidden: hidden, initialHidden: initialHidden,
                             inputGateGradients: dZ, recurrentGateGradients: dZ, previousHidden: gradients.previousHidden,
                             inputsGradient: gradients.inputs, kernelGradient: gradients.kernel,
                             recurrentKernelGradient: gradients.recurrentKernel)
    recurrentColumnSums(dZ, rows: g.batch * time, columns: u, into: gradients.bias)
}
