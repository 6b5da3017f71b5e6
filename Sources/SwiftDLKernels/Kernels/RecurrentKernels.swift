import SwiftDLAVX512

/// Pieces shared by the whole-sequence LSTM, GRU and SimpleRNN kernels.
///
/// Layouts (all row-major):
///   - inputs x: (batch, time, features), read as one (batch·time, features) matrix;
///   - per-time gate buffers (projections, gate activations, gate gradients):
///     (batch, time, gates·units), indexed by INPUT time t;
///   - per-step state buffers (hidden and cell sequences): (batch, time, units), indexed by
///     processing STEP s. They differ only with `goBackwards`, where step s reads t = T-1-s
///     (Keras returns the sequence in processing order).
/// A step's rows are strided by time·width, so the per-step GEMMs read and write them in
/// place through BLAS leading dimensions instead of copying.
public struct RecurrentGeometry: Sendable {
    public let batch: Int
    public let time: Int
    public let features: Int
    public let units: Int
    /// Gate blocks of the kernels: 4 (LSTM), 3 (GRU), 1 (SimpleRNN).
    public let gates: Int
    public let goBackwards: Bool

    public init(batch: Int, time: Int, features: Int, units: Int, gates: Int, goBackwards: Bool) {
        self.batch = batch
        self.time = time
        self.features = features
        self.units = units
        self.gates = gates
        self.goBackwards = goBackwards
    }

    /// Width of a gate row: gates·units.
    @inline(__always) public var width: Int { gates * units }

    /// FLOPs of one batch row's recurrent GEMMs over the sequence (for splitting work).
    public var recurrenceFlopsPerRow: Double { 2 * Double(time) * Double(units) * Double(width) }

    /// The input time index that processing step `step` reads.
    @inline(__always) public func inputTime(step: Int) -> Int { goBackwards ? time - 1 - step : step }
}

@inline(__always)
package func rowMajor<T>(_ pointer: UnsafePointer<T>, _ leadingDimension: Int) -> MatrixOperand<T> {
    MatrixOperand(pointer: pointer, transposed: false, leadingDimension: Swift.max(leadingDimension, 1))
}

@inline(__always)
package func transposed<T>(_ pointer: UnsafePointer<T>, _ leadingDimension: Int) -> MatrixOperand<T> {
    MatrixOperand(pointer: pointer, transposed: true, leadingDimension: Swift.max(leadingDimension, 1))
}

/// Runs `body` with a transposed copy of the (rows × columns) row-major matrix `m`.
private func withTransposedCopy<T, Result>(
    _ m: UnsafePointer<T>, rows: Int, columns: Int,
    _ body: (UnsafePointer<T>) -> Result
) -> Result {
    let copy = UnsafeMutablePointer<T>.allocate(capacity: max(rows * columns, 1))
    defer { copy.deallocate() }
    for row in 0..<rows {
        for column in 0..<columns { copy[column * rows + row] = m[row * columns + column] }
    }
    return body(UnsafePointer(copy))
}

/// The step loop of the inference kernels (`lstmInference`, `gruInference`), which keep no
/// per-step buffers because no tape will ask for BPTT. One batch slice per thread; each step
/// projects the slice's inputs (x_t · W, whose rows are strided by time·features) into
/// `projected` and h_{t-1} · U into `recurrent` (or onto `projected` when `separateRecurrent`
/// is false), then `cell` updates each kept row's states in place (a masked step carries them
/// over), and every h_t is copied to `hiddenSequence` when given. A slice whose projections
/// for the whole sequence fit in cache (`wholeSequenceProjection`) has them computed first,
/// in one product.
///
/// - Parameters:
///   - hidden: (batch, u); on entry the initial state, on return the final one.
///   - scratch: batch · `scratchPerRow` elements: each row's projected gates (width), its
///     recurrent ones when separate (width), then what `cell` uses.
///   - cell: (batch row, its projected gates, its recurrent ones, its extra scratch, its
///     hidden state).
package func recurrentInferenceSteps<T: RecurrentElement>(
    _ g: RecurrentGeometry, x: UnsafePointer<T>, kernel: UnsafePointer<T>, recurrentKernel: UnsafePointer<T>,
    mask: RecurrentMask?, hidden: UnsafeMutablePointer<T>, hiddenSequence: UnsafeMutablePointer<T>?,
    scratch: UnsafeMutablePointer<T>, scratchPerRow: Int, separateRecurrent: Bool,
    cell: (Int, UnsafeMutablePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) -> Void
) {
    let u = g.units, width = g.width, time = g.time, features = g.features
    let work = 2 * Double(g.batch) * Double(time) * Double(features + u) * Double(width)
    forEachSlice(of: g.batch, minimumSlice: 8, work: work) { rows in
        let first = rows.lowerBound
        let rowScratch = scratch + first * scratchPerRow
        let extra = rowScratch + rows.count * (separateRecurrent ? 2 : 1) * width
        let extraPerRow = scratchPerRow - (separateRecurrent ? 2 : 1) * width
        let h = hidden + first * u
        // Where step t's projected gates of the slice's first row are, and how far apart its
        // rows are: the whole sequence's projections, or one step's in the row scratch.
        let sequence = wholeSequenceProjection(g, rows: rows, x: x, kernel: kernel)
        defer { sequence?.deallocate() }
        let rowDistance = sequence == nil ? width : time * width
        let recurrentDistance = separateRecurrent ? width : rowDistance
        for s in 0..<time {
            let t = g.inputTime(step: s)
            let projected: UnsafeMutablePointer<T>
            if let sequence {
                projected = sequence + t * width
            } else {
                projected = rowScratch
                projectStepInputs(
                    g, rows: rows, time: t, x: x, kernel: kernel, into: projected, leadingDimension: width)
            }
            let recurrent = separateRecurrent ? rowScratch + rows.count * width : projected
            recurrentProduct(
                rows: rows.count, units: u, width: width, hidden: h, recurrentKernel: recurrentKernel,
                into: recurrent, ldc: recurrentDistance, accumulate: !separateRecurrent)
            for (r, b) in rows.enumerated() {
                if let mask, !mask.keeps(g, row: b, time: t) { continue }
                cell(
                    b, projected + r * rowDistance, UnsafePointer(recurrent + r * recurrentDistance),
                    extra + r * extraPerRow, h + r * u)
            }
            if let hiddenSequence {
                for r in 0..<rows.count {
                    (hiddenSequence + ((first + r) * time + s) * u).update(from: h + r * u, count: u)
                }
            }
        }
    }
}

/// h · U for one step of a batch slice, (rows, u) · (u, width) into rows `ldc` apart. A
/// single float32 row (one sample) on an AVX-512 CPU takes the engine's matrix-vector kernel
/// (SwiftDLAVX512/RecurrentRowProduct.swift), which reads U in place in one pass; the 64-unit
/// LSTM step 0.97 -> 0.90 us, one thread. An eight-lane version of it ran slower than BLAS
/// (1.04 us), so AVX2-only CPUs keep BLAS.
@inline(__always)
private func recurrentProduct<T: RecurrentElement>(
    rows: Int, units u: Int, width: Int, hidden h: UnsafeMutablePointer<T>, recurrentKernel: UnsafePointer<T>,
    into z: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool
) {
    if T.self == Float.self && rows == 1 && recurrentRowProductUsesAVX512 && width % 16 == 0 {
        recurrentRowProductAVX512(
            hidden: UnsafePointer(h).asFloat, recurrentKernel: recurrentKernel.asFloat, into: z.asFloat, units: u,
            width: width, accumulate: accumulate)
        return
    }
    gemm(
        m: rows, n: width, k: u, rowMajor(UnsafePointer(h), u), rowMajor(recurrentKernel, width), z, ldc: ldc,
        accumulate: accumulate)
}

private let recurrentRowProductUsesAVX512 = CPUFeatures.current.hasAVX512Kernels

/// The most elements of projected gates computed for a whole sequence ahead of its steps: 256
/// KB of float32, which stay in L2 until the steps read them.
private let wholeSequenceProjectionLimit = 1 << 16

/// x · W for every step of the batch rows `rows`, (rows, time, width), in one product, when
/// that fits in cache (a single sample, a short batch); nil otherwise (the caller deallocates).
///
/// One product reads W once for the whole sequence, where a product per step reads it from
/// cache at every step: a single sample's step is a matrix-vector product, limited by how
/// fast W streams in (W is 128 KB for the BiLSTM's second layer: most of its step time).
/// Larger slices keep projecting step by step (see `projectStepInputs`).
private func wholeSequenceProjection<T: RecurrentElement>(
    _ g: RecurrentGeometry, rows: Range<Int>, x: UnsafePointer<T>, kernel: UnsafePointer<T>
) -> UnsafeMutablePointer<T>? {
    let count = rows.count * g.time * g.width
    guard count <= wholeSequenceProjectionLimit, count > 0 else { return nil }
    let projections = UnsafeMutablePointer<T>.allocate(capacity: count)
    gemm(
        m: rows.count * g.time, n: g.width, k: g.features,
        rowMajor(x + rows.lowerBound * g.time * g.features, g.features),
        rowMajor(kernel, g.width), projections, ldc: g.width)
    return projections
}

/// x_t · kernel for the batch rows `rows` at input time t, written over `z` (the first row's
/// output; the rows are `leadingDimension` apart).
///
/// NOTE: the kernels project a batch's inputs step by step, just before the step's h · U,
/// rather than for the whole sequence in one GEMM first: the rows then go from the GEMM to the
/// gate math in cache, where the one large product wrote (for the document's LSTM) 13 MB that
/// every step read back from memory. The LSTM's forward pass took ~15% less time. Inference on
/// a slice small enough that the whole sequence's projections stay in cache is the exception
/// (`wholeSequenceProjection`).
@inline(__always)
package func projectStepInputs<T: RecurrentElement>(
    _ g: RecurrentGeometry, rows: Range<Int>, time t: Int, x: UnsafePointer<T>, kernel: UnsafePointer<T>,
    into z: UnsafeMutablePointer<T>, leadingDimension: Int
) {
    gemm(
        m: rows.count, n: g.width, k: g.features,
        rowMajor(x + (rows.lowerBound * g.time + t) * g.features, g.time * g.features),
        rowMajor(kernel, g.width), z, ldc: leadingDimension)
}

/// Transposed copies of a recurrent op's kernels, (width, u) and (width, features), which
/// BPTT multiplies every step's gradients by.
package struct TransposedKernels<T> {
    package let recurrent: UnsafePointer<T>
    package let input: UnsafePointer<T>
}

/// Runs BPTT's batch slices in parallel (see `forEachBatchSlice`), handing each transposed
/// copies of both kernels made once per call: as plain products with them, OpenBLAS runs its
/// small-matrix kernel rather than packing U (or W) again at every step (the LSTM trained
/// ~9% faster).
package func forEachBackwardSlice<T>(
    _ g: RecurrentGeometry, kernel: UnsafePointer<T>, recurrentKernel: UnsafePointer<T>,
    _ body: (Range<Int>, TransposedKernels<T>) -> Void
) {
    withTransposedCopy(recurrentKernel, rows: g.units, columns: g.width) { recurrent in
        withTransposedCopy(kernel, rows: g.features, columns: g.width) { input in
            let kernels = TransposedKernels(recurrent: recurrent, input: input)
            forEachBatchSlice(batch: g.batch, workPerRow: g.recurrenceFlopsPerRow) { rows in body(rows, kernels) }
        }
    }
}

/// The products that end BPTT step s (input time t) for the batch rows `rows`, once the cell
/// has written the step's pre-activation gradients (by input time, rows time·width apart):
///   dh_{s-1} += dZr_t · Uᵀ   (dh still holds what masked rows carried; the cell zeroed the rest)
///   dX_t = dZx_t · kernelᵀ
///
/// NOTE: dX is taken here, while dZx_t is in cache; as one GEMM over all steps at the end it
/// packed dZ back from memory (the LSTM's dX took ~30% longer).
@inline(__always)
package func finishBackwardStep<T: RecurrentElement>(
    _ g: RecurrentGeometry, rows: Range<Int>, time t: Int, inputGateGradients dZx: UnsafePointer<T>,
    recurrentGateGradients dZr: UnsafePointer<T>, kernels: TransposedKernels<T>, dh: UnsafeMutablePointer<T>,
    inputsGradient dX: UnsafeMutablePointer<T>
) {
    let first = rows.lowerBound, u = g.units, width = g.width
    gemm(
        m: rows.count, n: u, k: width, rowMajor(dZr + (first * g.time + t) * width, g.time * width),
        rowMajor(kernels.recurrent, u), dh + first * u, ldc: u, accumulate: true)
    gemm(
        m: rows.count, n: g.features, k: width, rowMajor(dZx + (first * g.time + t) * width, g.time * width),
        rowMajor(kernels.input, g.features), dX + (first * g.time + t) * g.features, ldc: g.time * g.features)
}

/// Adds step `step` of the upstream output-sequence gradient (batch, time, units) into dh,
/// for the batch rows `rows` (not where a mask has kept the output at zero).
@inline(__always)
package func addStepGradient<T: RecurrentElement>(
    _ g: RecurrentGeometry, step: Int, rows: Range<Int>, sequence: UnsafePointer<T>, mask: RecurrentMask?,
    into dh: UnsafeMutablePointer<T>
) {
    let u = g.units
    for b in rows where mask?.outputsState(row: b, step: step) ?? true {
        let source = sequence + (b * g.time + step) * u, target = dh + b * u
        for j in 0..<u { target[j] += source[j] }
    }
}

/// Keras's mask (from `mask_zero=True` embeddings): at a step a row's mask drops, that row's
/// states carry over unchanged and its output repeats the previous output, which is zero
/// until the row's first kept step (Keras's `zero_output_for_mask=False` semantics).
public struct RecurrentMask {
    /// (batch, time) by input time: nonzero keeps the step.
    public var keep: UnsafePointer<UInt8>
    /// Per batch row, the first processing step the mask keeps (time when none).
    public var firstKept: UnsafePointer<Int>

    public init(keep: UnsafePointer<UInt8>, firstKept: UnsafePointer<Int>) {
        self.keep = keep
        self.firstKept = firstKept
    }

    @inline(__always) package func keeps(_ g: RecurrentGeometry, row b: Int, time t: Int) -> Bool {
        keep[b * g.time + t] != 0
    }

    /// Whether row b's output at step s is its state (false: still zero, nothing kept yet).
    @inline(__always) package func outputsState(row b: Int, step s: Int) -> Bool { s >= firstKept[b] }
}

/// Fills `firstKept` (batch) for a (batch, time) mask read in processing order.
public func recurrentFirstKeptSteps(
    _ g: RecurrentGeometry, keep: UnsafePointer<UInt8>, into firstKept: UnsafeMutablePointer<Int>
) {
    for b in 0..<g.batch {
        var step = g.time
        for s in 0..<g.time where keep[b * g.time + g.inputTime(step: s)] != 0 {
            step = s
            break
        }
        firstKept[b] = step
    }
}

/// Zeroes the outputs a mask leaves at zero: in a by-step (batch, time, units) sequence the
/// steps before each row's first kept step, or in a last output (batch, units) the rows
/// with no kept step. Needed only when an initial state makes them differ from the states.
public func recurrentZeroUnkeptOutputs(
    _ g: RecurrentGeometry, mask: RecurrentMask, outputs: UnsafeMutableRawPointer,
    itemSize: Int, isSequence: Bool
) {
    let rowBytes = g.units * itemSize
    for b in 0..<g.batch {
        let unkept = Swift.min(mask.firstKept[b], g.time)
        if isSequence {
            (outputs + b * g.time * rowBytes).initializeMemory(as: UInt8.self, repeating: 0, count: unkept * rowBytes)
        } else if unkept == g.time {
            (outputs + b * rowBytes).initializeMemory(as: UInt8.self, repeating: 0, count: rowBytes)
        }
    }
}

/// The upstream gradients of a recurrent op's outputs, as the backward kernels read them.
public struct RecurrentUpstream<T> {
    /// Gradient of the output sequence (batch, time, units) when `return_sequences`.
    public var sequence: UnsafePointer<T>?
    /// Gradient of the last output (batch, units) when not `return_sequences`.
    public var lastOutput: UnsafePointer<T>?
    /// Gradients of the final states (batch, units).
    public var finalHidden: UnsafePointer<T>?
    public var finalCell: UnsafePointer<T>?

    public init(
        sequence: UnsafePointer<T>?, lastOutput: UnsafePointer<T>?,
        finalHidden: UnsafePointer<T>?, finalCell: UnsafePointer<T>? = nil
    ) {
        self.sequence = sequence
        self.lastOutput = lastOutput
        self.finalHidden = finalHidden
        self.finalCell = finalCell
    }

    /// dh entering the last step, for the batch rows `rows`: the last output's gradient
    /// plus the final state's.
    package func seedHidden(
        _ g: RecurrentGeometry, rows: Range<Int>, mask: RecurrentMask?, into dh: UnsafeMutablePointer<T>
    )
    where T: RecurrentElement {
        let elements = rows.lowerBound * g.units..<rows.upperBound * g.units
        for i in elements { dh[i] = T.zero }
        if let finalHidden { for i in elements { dh[i] += finalHidden[i] } }
        guard let lastOutput else { return }
        for b in rows where mask?.outputsState(row: b, step: g.time - 1) ?? true {
            for i in b * g.units..<(b + 1) * g.units { dh[i] += lastOutput[i] }
        }
    }
}
