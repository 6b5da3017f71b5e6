import CSwiftDL
import SwiftDL

@_cdecl("sdl_tensor_view")
public func tensorView(
    _ handle: OpaquePointer?, _ offset: Int64, _ shape: UnsafePointer<Int64>?, _ strides: UnsafePointer<Int64>?,
    _ ndim: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try differentiableView(
            borrow(handle, "view"), offset: Int(offset), shape: readInts(shape, ndim, "view"),
            strides: readInts(strides, ndim, "view"))
    }
}

@_cdecl("sdl_tensor_cast")
public func tensorCast(_ handle: OpaquePointer?, _ dtype: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32
{
    produce(out) { try differentiableCast(borrow(handle, "astype"), to: readDType(dtype, "astype")) }
}

@_cdecl("sdl_tensor_assign")
public func tensorAssign(_ target: OpaquePointer?, _ value: OpaquePointer?) -> Int32 {
    perform { try borrow(target, "assign").assign(from: borrow(value, "assign")) }
}

@_cdecl("sdl_reshape")
public func reshape(
    _ handle: OpaquePointer?, _ shape: UnsafePointer<Int64>?, _ ndim: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) { try differentiableReshape(borrow(handle, "reshape"), readInts(shape, ndim, "reshape")) }
}

@_cdecl("sdl_transpose")
public func transpose(
    _ handle: OpaquePointer?, _ axes: UnsafePointer<Int64>?, _ count: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) { try differentiableTranspose(borrow(handle, "transpose"), readInts(axes, count, "transpose")) }
}

@_cdecl("sdl_expand_dims")
public func expandDims(_ handle: OpaquePointer?, _ axis: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out) { try differentiableExpandDims(borrow(handle, "expand_dims"), Int(axis)) }
}

@_cdecl("sdl_squeeze")
public func squeeze(
    _ handle: OpaquePointer?, _ axes: UnsafePointer<Int64>?, _ count: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try differentiableSqueeze(borrow(handle, "squeeze"), axes == nil ? nil : readInts(axes, count, "squeeze"))
    }
}

@_cdecl("sdl_broadcast_to")
public func broadcastTo(
    _ handle: OpaquePointer?, _ shape: UnsafePointer<Int64>?, _ ndim: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try differentiableBroadcast(borrow(handle, "broadcast_to"), to: readInts(shape, ndim, "broadcast_to"))
    }
}

/// Reads an array of borrowed handles.
private func readTensors(_ handles: UnsafePointer<OpaquePointer?>?, _ count: Int32, _ op: String) throws -> [Tensor] {
    if count < 0 { throw SDLError(.value, "[\(op)] negative tensor count \(count)") }
    if count == 0 { return [] }
    guard let handles else { throw SDLError(.value, "[\(op)] received a NULL tensor array") }
    return try (0..<Int(count)).map { try borrow(handles[$0], op) }
}

@_cdecl("sdl_concatenate")
public func concatenateTensors(
    _ handles: UnsafePointer<OpaquePointer?>?, _ count: Int32, _ axis: Int64,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) { try differentiableConcatenate(readTensors(handles, count, "concatenate"), axis: Int(axis)) }
}

@_cdecl("sdl_stack")
public func stackTensors(
    _ handles: UnsafePointer<OpaquePointer?>?, _ count: Int32, _ axis: Int64,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) { try differentiableStack(readTensors(handles, count, "stack"), axis: Int(axis)) }
}
