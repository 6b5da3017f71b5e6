import CSwiftDL
import SwiftDL

@_cdecl("sdl_tensor_empty")
public func tensorEmpty(
    _ dtype: Int32, _ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ zeroed: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try Tensor.empty(readInts(shape, ndim, "empty"), dtype: readDType(dtype, "empty"), zeroed: zeroed != 0)
    }
}

@_cdecl("sdl_tensor_from_data")
public func tensorFromData(
    _ dtype: Int32, _ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ byteStrides: UnsafePointer<Int64>?,
    _ data: UnsafeRawPointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        // View the foreign memory for the duration of the copy only.
        let source = try foreignView(
            dtype, shape, ndim, byteStrides, UnsafeMutableRawPointer(mutating: data), "from_data"
        ) {}
        return try source.cast(to: source.dtype)
    }
}

@_cdecl("sdl_tensor_borrow")
public func tensorBorrow(
    _ dtype: Int32, _ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ byteStrides: UnsafePointer<Int64>?,
    _ data: UnsafeMutableRawPointer?, _ release: sdl_release_fn?, _ context: UnsafeMutableRawPointer?,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        guard let release else { throw SDLError(.value, "[borrow] received a NULL release callback") }
        return try foreignView(dtype, shape, ndim, byteStrides, data, "borrow") { release(context) }
    }
}

/// A tensor over memory owned elsewhere. The storage starts at the lowest byte the view can
/// reach, so negative strides work.
private func foreignView(
    _ code: Int32, _ shapePointer: UnsafePointer<Int64>?, _ ndim: Int32, _ stridePointer: UnsafePointer<Int64>?,
    _ data: UnsafeMutableRawPointer?, _ op: String, release: @escaping () -> Void
) throws -> Tensor {
    let dtype = try readDType(code, op)
    let shape = try readInts(shapePointer, ndim, op)
    let itemSize = dtype.itemSize
    let count = try CheckedSize.byteCount(shape, itemSize: itemSize, op: op) / itemSize
    var strides = contiguousStrides(shape)
    if stridePointer != nil {
        let byteStrides = try readInts(stridePointer, ndim, op)
        if let bad = byteStrides.first(where: { $0 % itemSize != 0 }) {
            throw SDLError(.value, "[\(op)] byte stride \(bad) is not a multiple of the item size \(itemSize)")
        }
        strides = byteStrides.map { $0 / itemSize }
    }
    guard let data else {
        if count == 0 { return try Tensor.empty(shape, dtype: dtype) }
        throw SDLError(.value, "[\(op)] received a NULL data pointer")
    }
    // The reachable span, with every product and sum checked: hostile strides from a C
    // caller must be an error, not an overflow trap or a wrongly sized storage.
    var low = 0, high = 0
    let overflow = SDLError(.value, "[\(op)] strides \(strides) overflow for shape \(describeShape(shape))")
    if count > 0 {
        for (size, stride) in zip(shape, strides) {
            guard let span = CheckedSize.product(size - 1, stride),
                let moved = CheckedSize.sum(stride < 0 ? low : high, span)
            else { throw overflow }
            if stride < 0 { low = moved } else { high = moved }
        }
    }
    guard low > Int.min, let elements = CheckedSize.sum(high, -low).flatMap({ CheckedSize.sum($0, 1) }),
        let extent = CheckedSize.product(elements, itemSize),
        let lowBytes = CheckedSize.product(low, itemSize)
    else { throw overflow }
    let storage = Storage(borrowing: data + lowBytes, byteCount: extent, release: release)
    return Tensor(storage: storage, dtype: dtype, shape: shape, strides: strides, offset: -low)
}

@_cdecl("sdl_tensor_free")
public func tensorFree(_ handle: OpaquePointer?) {
    guard let handle else { return }
    sdl_internal_count_tensors(-1)
    Unmanaged<Tensor>.fromOpaque(UnsafeRawPointer(handle)).release()
}

// Metadata getters take a handle the caller promises is live; NULL gives neutral values.
// They read a deferred tensor's metadata without computing it: its value, once computed, is
// contiguous with the same shape and dtype. Its data pointer computes it.

@_cdecl("sdl_tensor_ndim")
public func tensorNdim(_ handle: OpaquePointer?) -> Int32 { Int32((try? borrowUnresolved(handle))?.rank ?? 0) }

@_cdecl("sdl_tensor_dtype")
public func tensorDType(_ handle: OpaquePointer?) -> Int32 { (try? borrowUnresolved(handle))?.dtype.rawValue ?? -1 }

@_cdecl("sdl_tensor_size")
public func tensorSize(_ handle: OpaquePointer?) -> Int64 { Int64((try? borrowUnresolved(handle))?.count ?? 0) }

@_cdecl("sdl_tensor_shape")
public func tensorShape(_ handle: OpaquePointer?, _ shape: UnsafeMutablePointer<Int64>?) {
    guard let tensor = try? borrowUnresolved(handle), let shape else { return }
    for (axis, size) in tensor.shape.enumerated() { shape[axis] = Int64(size) }
}

@_cdecl("sdl_tensor_strides")
public func tensorStrides(_ handle: OpaquePointer?, _ strides: UnsafeMutablePointer<Int64>?) {
    guard let tensor = try? borrowUnresolved(handle), let strides else { return }
    for (axis, stride) in tensor.strides.enumerated() { strides[axis] = Int64(stride * tensor.dtype.itemSize) }
}

@_cdecl("sdl_tensor_data")
public func tensorData(_ handle: OpaquePointer?) -> UnsafeMutableRawPointer? {
    do {
        return try borrow(handle).baseAddress
    } catch {
        _ = record(error) // computing a deferred value ran out of memory (the header says so)
        return nil
    }
}

@_cdecl("sdl_tensor_offset")
public func tensorOffset(_ handle: OpaquePointer?) -> Int64 { Int64((try? borrowUnresolved(handle))?.offset ?? 0) }

@_cdecl("sdl_tensor_is_contiguous")
public func tensorIsContiguous(_ handle: OpaquePointer?) -> Int32 {
    (try? borrowUnresolved(handle))?.isContiguous == true ? 1 : 0
}

@_cdecl("sdl_tensor_shares_memory")
public func tensorSharesMemory(_ a: OpaquePointer?, _ b: OpaquePointer?) -> Int32 {
    guard let x = try? borrow(a), let y = try? borrow(b) else { return 0 }
    return x.storage === y.storage ? 1 : 0
}
