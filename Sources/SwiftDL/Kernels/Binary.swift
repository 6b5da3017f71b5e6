/// An elementwise function of two elements, as a type so generic kernels specialise on it.
public protocol BinaryOperation {
    associatedtype In: Element
    associatedtype Out: Element
    static func apply(_ a: In, _ b: In) -> Out
}

/// out[i] = Op(a[i], b[i]) over a broadcast loop nest (operands: a, b, out).
/// Contiguous and scalar-broadcast rows get their own loops so the compiler vectorises them.
@inline(__always)
public func binaryKernel<Op: BinaryOperation>(
    _: Op.Type, _ a: UnsafePointer<Op.In>, _ b: UnsafePointer<Op.In>,
    _ out: UnsafeMutablePointer<Op.Out>, nest: LoopNest
) {
    let sa = nest.innerStride(0), sb = nest.innerStride(1), so = nest.innerStride(2)
    nest.forEachRow { offsets, n in
        let pa = a + offsets[0], pb = b + offsets[1], po = out + offsets[2]
        if so == 1 && sa == 1 && sb == 1 {
            for i in 0..<n { po[i] = Op.apply(pa[i], pb[i]) }
        } else if so == 1 && sa == 1 && sb == 0 {
            let y = pb[0]
            for i in 0..<n { po[i] = Op.apply(pa[i], y) }
        } else if so == 1 && sa == 0 && sb == 1 {
            let x = pa[0]
            for i in 0..<n { po[i] = Op.apply(x, pb[i]) }
        } else {
            for i in 0..<n { po[i &* so] = Op.apply(pa[i &* sa], pb[i &* sb]) }
        }
    }
}

/// An elementwise function of one element.
public protocol UnaryOperation {
    associatedtype In: Element
    associatedtype Out: Element
    static func apply(_ x: In) -> Out
}

/// out[i] = Op(x[i]) over a loop nest (operands: x, out).
@inline(__always)
public func unaryKernel<Op: UnaryOperation>(
    _: Op.Type, _ x: UnsafePointer<Op.In>, _ out: UnsafeMutablePointer<Op.Out>, nest: LoopNest
) {
    let sx = nest.innerStride(0), so = nest.innerStride(1)
    // Ops with a vectorised row form (float32 exp and sigmoid, UnaryRows.swift) use it on
    // contiguous rows.
    let rowOperation = rowOperationsAvailable ? Op.self as? ContiguousRowOperation.Type : nil
    nest.forEachRow(grain: 1 << 13) { offsets, n in
        let px = x + offsets[0], po = out + offsets[1]
        if sx == 1 && so == 1, let rowOperation {
            rowOperation.applyRow(UnsafeRawPointer(px), UnsafeMutableRawPointer(po), count: n)
        } else if sx == 1 && so == 1 {
            for i in 0..<n { po[i] = Op.apply(px[i]) }
        } else {
            for i in 0..<n { po[i &* so] = Op.apply(px[i &* sx]) }
        }
    }
}
