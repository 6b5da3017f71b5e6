import CSwiftDL
import SwiftDL

@_cdecl("sdl_binary")
public func binaryOp(
    _ code: Int32, _ a: OpaquePointer?, _ b: OpaquePointer?, _ into: OpaquePointer?,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        guard let op = BinaryOp(rawValue: code) else { throw SDLError(.value, "[binary] unknown op code \(code)") }
        if let into { return try binary(op, borrow(a, op.name), borrow(b, op.name), out: borrow(into, op.name)) }
        return try binaryDeferringScales(op, borrowUnresolved(a, op.name), borrowUnresolved(b, op.name))
    }
}

@_cdecl("sdl_unary")
public func unaryOp(
    _ code: Int32, _ x: OpaquePointer?, _ into: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        guard let op = UnaryOp(rawValue: code) else { throw SDLError(.value, "[unary] unknown op code \(code)") }
        if let into { return try unary(op, borrow(x, op.name), out: borrow(into, op.name)) }
        return try differentiableUnary(op, borrow(x, op.name))
    }
}

@_cdecl("sdl_reduce")
public func reduceOp(
    _ code: Int32, _ x: OpaquePointer?, _ axes: UnsafePointer<Int64>?, _ count: Int32, _ keepdims: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        guard let op = ReduceOp(rawValue: code) else { throw SDLError(.value, "[reduce] unknown op code \(code)") }
        return try differentiableReduce(
            op, borrow(x, op.name), axes: axes == nil ? nil : readInts(axes, count, op.name), keepdims: keepdims != 0)
    }
}

@_cdecl("sdl_var")
public func varianceOp(
    _ x: OpaquePointer?, _ axes: UnsafePointer<Int64>?, _ count: Int32, _ ddof: Int64, _ keepdims: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try differentiableVariance(
            borrow(x, "var"), axes: axes == nil ? nil : readInts(axes, count, "var"), ddof: Int(ddof),
            keepdims: keepdims != 0)
    }
}

@_cdecl("sdl_matmul")
public func matmulOp(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out) { try matmulDeferringLargeProducts(borrowUnresolved(a, "matmul"), borrowUnresolved(b, "matmul")) }
}

@_cdecl("sdl_take")
public func takeOp(
    _ x: OpaquePointer?, _ indices: OpaquePointer?, _ hasAxis: Int32, _ axis: Int64,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try differentiableTake(
            borrow(x, "take"), indices: borrow(indices, "take"), axis: hasAxis != 0 ? Int(axis) : nil)
    }
}

@_cdecl("sdl_gather_offsets")
public func gatherOffsetsOp(
    _ base: OpaquePointer?, _ offsets: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) { try differentiableGatherOffsets(borrow(base, "getitem"), offsets: borrow(offsets, "getitem")) }
}

@_cdecl("sdl_scatter_offsets")
public func scatterOffsetsOp(_ base: OpaquePointer?, _ offsets: OpaquePointer?, _ values: OpaquePointer?) -> Int32 {
    perform {
        try scatterOffsets(
            borrow(base, "setitem"), offsets: borrow(offsets, "setitem"), values: borrow(values, "setitem"))
    }
}

@_cdecl("sdl_nonzero")
public func nonzeroOp(_ x: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out) { try nonzero(borrow(x, "nonzero")) }
}

@_cdecl("sdl_full")
public func fullOp(
    _ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ value: OpaquePointer?, _ dtype: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try Tensor.full(readInts(shape, ndim, "full"), value: borrow(value, "full"), dtype: readDType(dtype, "full"))
    }
}

@_cdecl("sdl_arange")
public func arangeOp(
    _ start: Double, _ stop: Double, _ step: Double, _ dtype: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) { try arange(start: start, stop: stop, step: step, dtype: readDType(dtype, "arange")) }
}

@_cdecl("sdl_linspace")
public func linspaceOp(
    _ start: Double, _ stop: Double, _ num: Int64, _ endpoint: Int32, _ dtype: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try linspace(
            start: start, stop: stop, num: Int(num), endpoint: endpoint != 0, dtype: readDType(dtype, "linspace"))
    }
}

@_cdecl("sdl_eye")
public func eyeOp(
    _ rows: Int64, _ columns: Int64, _ k: Int64, _ dtype: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) { try eye(rows: Int(rows), columns: Int(columns), diagonal: Int(k), dtype: readDType(dtype, "eye")) }
}

@_cdecl("sdl_where")
public func whereOp(
    _ condition: OpaquePointer?, _ x: OpaquePointer?, _ y: OpaquePointer?,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) { try differentiableSelect(borrow(condition, "where"), borrow(x, "where"), borrow(y, "where")) }
}
