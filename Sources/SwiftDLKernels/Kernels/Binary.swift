/// An elementwise function of two elements, as a type so generic kernels specialise on it.
public protocol BinaryOperation {
    associatedtype In: Element
    associatedtype Out: Element
    static func apply(_ a: In, _ b: In) -> Out
}

/// out[i] = Op(a[i], b[i]) over a broadcast loop nest (operands: a, b, out).
/// Contiguous and scalar-broadcast rows get their own loops so the compiler vectorises them.
@_specialize(exported:true,where Op == Add<Float>)
@_specialize(exported:true,where Op == Add<Double>)
@_specialize(exported:true,where Op == Add<Int32>)
@_specialize(exported:true,where Op == Add<Int64>)
@_specialize(exported:true,where Op == Add<UInt8>)
@_specialize(exported:true,where Op == Subtract<Float>)
@_specialize(exported:true,where Op == Subtract<Double>)
@_specialize(exported:true,where Op == Subtract<Int32>)
@_specialize(exported:true,where Op == Subtract<Int64>)
@_specialize(exported:true,where Op == Subtract<UInt8>)
@_specialize(exported:true,where Op == Multiply<Float>)
@_specialize(exported:true,where Op == Multiply<Double>)
@_specialize(exported:true,where Op == Multiply<Int32>)
@_specialize(exported:true,where Op == Multiply<Int64>)
@_specialize(exported:true,where Op == Multiply<UInt8>)
@_specialize(exported:true,where Op == Divide<Float>)
@_specialize(exported:true,where Op == Divide<Double>)
@_specialize(exported:true,where Op == Divide<Int32>)
@_specialize(exported:true,where Op == Divide<Int64>)
@_specialize(exported:true,where Op == Divide<UInt8>)
@_specialize(exported:true,where Op == FloorDivide<Float>)
@_specialize(exported:true,where Op == FloorDivide<Double>)
@_specialize(exported:true,where Op == FloorDivide<Int32>)
@_specialize(exported:true,where Op == FloorDivide<Int64>)
@_specialize(exported:true,where Op == FloorDivide<UInt8>)
@_specialize(exported:true,where Op == Remainder<Float>)
@_specialize(exported:true,where Op == Remainder<Double>)
@_specialize(exported:true,where Op == Remainder<Int32>)
@_specialize(exported:true,where Op == Remainder<Int64>)
@_specialize(exported:true,where Op == Remainder<UInt8>)
@_specialize(exported:true,where Op == Power<Float>)
@_specialize(exported:true,where Op == Power<Double>)
@_specialize(exported:true,where Op == Power<Int32>)
@_specialize(exported:true,where Op == Power<Int64>)
@_specialize(exported:true,where Op == Power<UInt8>)
@_specialize(exported:true,where Op == Maximum<Float>)
@_specialize(exported:true,where Op == Maximum<Double>)
@_specialize(exported:true,where Op == Maximum<Int32>)
@_specialize(exported:true,where Op == Maximum<Int64>)
@_specialize(exported:true,where Op == Maximum<UInt8>)
@_specialize(exported:true,where Op == Minimum<Float>)
@_specialize(exported:true,where Op == Minimum<Double>)
@_specialize(exported:true,where Op == Minimum<Int32>)
@_specialize(exported:true,where Op == Minimum<Int64>)
@_specialize(exported:true,where Op == Minimum<UInt8>)
@_specialize(exported:true,where Op == Equal<Float>)
@_specialize(exported:true,where Op == Equal<Double>)
@_specialize(exported:true,where Op == Equal<Int32>)
@_specialize(exported:true,where Op == Equal<Int64>)
@_specialize(exported:true,where Op == Equal<UInt8>)
@_specialize(exported:true,where Op == NotEqual<Float>)
@_specialize(exported:true,where Op == NotEqual<Double>)
@_specialize(exported:true,where Op == NotEqual<Int32>)
@_specialize(exported:true,where Op == NotEqual<Int64>)
@_specialize(exported:true,where Op == NotEqual<UInt8>)
@_specialize(exported:true,where Op == Less<Float>)
@_specialize(exported:true,where Op == Less<Double>)
@_specialize(exported:true,where Op == Less<Int32>)
@_specialize(exported:true,where Op == Less<Int64>)
@_specialize(exported:true,where Op == Less<UInt8>)
@_specialize(exported:true,where Op == LessEqual<Float>)
@_specialize(exported:true,where Op == LessEqual<Double>)
@_specialize(exported:true,where Op == LessEqual<Int32>)
@_specialize(exported:true,where Op == LessEqual<Int64>)
@_specialize(exported:true,where Op == LessEqual<UInt8>)
@_specialize(exported:true,where Op == BitAnd<Int32>)
@_specialize(exported:true,where Op == BitAnd<Int64>)
@_specialize(exported:true,where Op == BitAnd<UInt8>)
@_specialize(exported:true,where Op == BitOr<Int32>)
@_specialize(exported:true,where Op == BitOr<Int64>)
@_specialize(exported:true,where Op == BitOr<UInt8>)
@_specialize(exported:true,where Op == BitXor<Int32>)
@_specialize(exported:true,where Op == BitXor<Int64>)
@_specialize(exported:true,where Op == BitXor<UInt8>)
@_specialize(exported:true,where Op == LogicalAnd)
@_specialize(exported:true,where Op == LogicalOr)
@_specialize(exported:true,where Op == LogicalXor)
@_specialize(exported:true,where Op == BoolEqual)
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
@_specialize(exported:true,where Op == Negative<Float>)
@_specialize(exported:true,where Op == Negative<Double>)
@_specialize(exported:true,where Op == Negative<Int32>)
@_specialize(exported:true,where Op == Negative<Int64>)
@_specialize(exported:true,where Op == Negative<UInt8>)
@_specialize(exported:true,where Op == Absolute<Float>)
@_specialize(exported:true,where Op == Absolute<Double>)
@_specialize(exported:true,where Op == Absolute<Int32>)
@_specialize(exported:true,where Op == Absolute<Int64>)
@_specialize(exported:true,where Op == Absolute<UInt8>)
@_specialize(exported:true,where Op == Sign<Float>)
@_specialize(exported:true,where Op == Sign<Double>)
@_specialize(exported:true,where Op == Sign<Int32>)
@_specialize(exported:true,where Op == Sign<Int64>)
@_specialize(exported:true,where Op == Sign<UInt8>)
@_specialize(exported:true,where Op == Square<Float>)
@_specialize(exported:true,where Op == Square<Double>)
@_specialize(exported:true,where Op == Square<Int32>)
@_specialize(exported:true,where Op == Square<Int64>)
@_specialize(exported:true,where Op == Square<UInt8>)
@_specialize(exported:true,where Op == Exp<Float>)
@_specialize(exported:true,where Op == Exp<Double>)
@_specialize(exported:true,where Op == Log<Float>)
@_specialize(exported:true,where Op == Log<Double>)
@_specialize(exported:true,where Op == SquareRoot<Float>)
@_specialize(exported:true,where Op == SquareRoot<Double>)
@_specialize(exported:true,where Op == Tanh<Float>)
@_specialize(exported:true,where Op == Tanh<Double>)
@_specialize(exported:true,where Op == Sine<Float>)
@_specialize(exported:true,where Op == Sine<Double>)
@_specialize(exported:true,where Op == Cosine<Float>)
@_specialize(exported:true,where Op == Cosine<Double>)
@_specialize(exported:true,where Op == Log1p<Float>)
@_specialize(exported:true,where Op == Log1p<Double>)
@_specialize(exported:true,where Op == Expm1<Float>)
@_specialize(exported:true,where Op == Expm1<Double>)
@_specialize(exported:true,where Op == Reciprocal<Float>)
@_specialize(exported:true,where Op == Reciprocal<Double>)
@_specialize(exported:true,where Op == Floor<Float>)
@_specialize(exported:true,where Op == Floor<Double>)
@_specialize(exported:true,where Op == Ceil<Float>)
@_specialize(exported:true,where Op == Ceil<Double>)
@_specialize(exported:true,where Op == Rint<Float>)
@_specialize(exported:true,where Op == Rint<Double>)
@_specialize(exported:true,where Op == Sigmoid<Float>)
@_specialize(exported:true,where Op == Sigmoid<Double>)
@_specialize(exported:true,where Op == IntegerReciprocal<Int32>)
@_specialize(exported:true,where Op == IntegerReciprocal<Int64>)
@_specialize(exported:true,where Op == IntegerReciprocal<UInt8>)
@_specialize(exported:true,where Op == Invert<Int32>)
@_specialize(exported:true,where Op == Invert<Int64>)
@_specialize(exported:true,where Op == Invert<UInt8>)
@_specialize(exported:true,where Op == LogicalNot)
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
