/// Whole-sequence LSTM (Keras layout: kernel (in, 4u), recurrent kernel (u, 4u), bias (4u),
/// gate blocks i, f, c, o; sigmoid gates, tanh cell activation):
///   z = x·W + h_{t-1}·U + b,  i = σ(z_i), f = σ(z_f), g = tanh(z_c), o = σ(z_o)
///   c_t = f·c_{t-1} + i·g,    h_t = o·tanh(c_t)
/// Layouts are those of `RecurrentGeometry`.

/// What the forward pass keeps for BPTT.
public struct LSTMSaved<T> {
    /// (batch, time, 4u) by input time: on entry x·W, on return the activations i, f, g, o.
    public var gates: UnsafeMutablePointer<T>
    /// (batch, time, u) by step: c_t, tanh(c_t) and h_t.
    public var cells: UnsafeMutablePointer<T>
    public var cellTanh: UnsafeMutablePointer<T>
    public var hidden: UnsafeMutablePointer<T>

    public init(gates: UnsafeMutablePointer<T>, cells: UnsafeMutablePointer<T>,
                cellTanh: UnsafeMutablePointer<T>, hidden: UnsafeMutablePointer<T>) {
        self.gates = gates
        self.cells = cells
        self.cellTanh = cellTanh
        self.hidden = hidden
    }
}

/// Runs the recurrence over every step. `saved.gates` must already hold x·W; each step adds
/// h_{s-1}·U into its rows with one GEMM, then one fused loop does the gate math.
public func lstmForward<T: RecurrentElement>(
    _ g: RecurrentGeometry, recurrentKernel: UnsafePointer<T>, bias: UnsafePointer<T>,
    initialHidden: UnsafePointer<T>, initialCell: UnsafePointer<T>, saved: LSTMSaved<T>
) {
    let u = g.units, width = g.width, time = g.time
    for s in 0..<time {
        let t = g.inputTime(step: s)
        let z = saved.gates + t * width
        let previous = s == 0 ? rowMajor(initialHidden, u) : rowMajor(UnsafePointer(saved.hidden + (s - 1) * u), time * u)
        gemm(m: g.batch, n: width, k: u, previous, rowMajor(recurrentKernel, width), z, ldc: time * width, accumulate: true)
        for b in 0..<g.batch {
            let row = z + b * time * width
            let state = (b * time + s) * u
            let cPrevious = s == 0 ? initialCell + b * u : UnsafePointer(saved.cells + state - u)
            let c = saved.cells + state, tc = saved.cellTanh + state, h = saved.hidden + state
            for j in 0..<u {
                let i = T.gateSigmoid(row[j] + bias[j])
                let f = T.gateSigmoid(row[u + j] + bias[u + j])
                let candidate = T.gateTanh(row[2 * u + j] + bias[2 * u + j])
                let o = T.gateSigmoid(row[3 * u + j] + bias[3 * u + j])
                let cell = f * cPrevious[j] + i * candidate
                let squashed = T.gateTanh(cell)
                row[j] = i
                row[u + j] = f
                row[2 * u + j] = candidate
                row[3 * u + j] = o
                c[j] = cell
                tc[j] = squashed
                h[j] = o * squashed
            }
        }
    }
}

/// Where the LSTM's gradients go, and the scratch BPTT needs (no per-step allocation).
public struct LSTMGradients<T> {
    public var inputs: UnsafeMutablePointer<T>           // (batch, time, features)
    public var kernel: UnsafeMutablePointer<T>           // (features, 4u)
    public var recurrentKernel: UnsafeMutablePointer<T>  // (u, 4u)
    public var bias: UnsafeMutablePointer<T>             // (4u)
    public var initialHidden: UnsafeMutablePointer<T>    // (batch, u); the running dh during BPTT
    public var initialCell: UnsafeMutablePointer<T>      // (batch, u); the running dc during BPTT
    /// Scratch: pre-activation gradients (batch, time, 4u) by input time, and Hprev (batch, time, u).
    public var gateGradients: UnsafeMutablePointer<T>
    public var previousHidden: UnsafeMutablePointer<T>

    public init(inputs: UnsafeMutablePointer<T>, kernel: UnsafeMutablePointer<T>, recurrentKernel: UnsafeMutablePointer<T>,
                bias: UnsafeMutablePointer<T>, initialHidden: UnsafeMutablePointer<T>, initialCell: UnsafeMutablePointer<T>,
                gateGradients: UnsafeMutablePointer<T>, previousHidden: UnsafeMutablePointer<T>) {
        self.inputs = inputs
        self.kernel = kernel
        self.recurrentKernel = recurrentKernel
        self.bias = bias
        self.initialHidden = initialHidden
        self.initialCell = initialCell
        self.gateGradients = gateGradients
        self.previousHidden = previousHidden
    }
}

/// Backpropagation through time: one fused loop and one (batch, 4u)·Uᵀ GEMM per step, then
/// the weight gradients as single GEMMs over all steps.
public func lstmBackward<T: RecurrentElement>(
    _ g: RecurrentGeometry, x: UnsafePointer<T>, kernel: UnsafePointer<T>, recurrentKernel: UnsafePointer<T>,
    initialHidden: UnsafePointer<T>, initialCell: UnsafePointer<T>, saved: LSTMSaved<T>,
    upstream: RecurrentUpstream<T>, gradients: LSTMGradients<T>
) {
    let u = g.units, width = g.width, time = g.time
    let dh = gradients.initialHidden, dc = gradients.initialCell
    upstream.seedHidden(g, into: dh)
    if let finalCell = upstream.finalCell {
        dc.update(from: finalCell, count: g.batch * u)
    } else {
        dc.update(repeating: T.zero, count: g.batch * u)
    }
    for s in stride(from: time - 1, through: 0, by: -1) {
        if let sequence = upstream.sequence { addStepGradient(g, step: s, sequence: sequence, into: dh) }
        let t = g.inputTime(step: s)
        let dz = gradients.gateGradients + t * width
        for b in 0..<g.batch {
            let row = UnsafePointer(saved.gates + (b * time + t) * width)
            let out = dz + b * time * width
            let state = (b * time + s) * u
            let cPrevious = s == 0 ? initialCell + b * u : UnsafePointer(saved.cells + state - u)
            let tc = UnsafePointer(saved.cellTanh + state)
            let dhRow = dh + b * u, dcRow = dc + b * u
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
        }
        // dh_{s-1} = dZ_s · Uᵀ
        gemm(m: g.batch, n: u, k: width, rowMajor(UnsafePointer(dz), time * width), transposed(recurrentKernel, width),
             dh, ldc: u)
    }
    let dZ = UnsafePointer(gradients.gateGradients)
    recurrentWeightGradients(g, x: x, kernel: kernel, hidden: saved.hidden, initialHidden: initialHidden,
                             inputGateGradients: dZ, recurrentGateGradients: dZ, previousHidden: gradients.previousHidden,
                             inputsGradient: gradients.inputs, kernelGradient: gradients.kernel,
                             recurrentKernelGradient: gradients.recurrentKernel)
    recurrentColumnSums(dZ, rows: g.batch * time, columns: width, into: gradients.bias)
}
