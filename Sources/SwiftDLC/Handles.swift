import CSwiftDL
import SwiftDL

// The plumbing every shim shares: handles in and out, errors to status codes.
// No shim traps: a NULL pointer or bad argument becomes an error status.

/// Gives the caller a +1 handle for `tensor`.
func makeHandle(_ tensor: Tensor) -> OpaquePointer {
    sdl_internal_count_tensors(1)
    return OpaquePointer(Unmanaged.passRetained(tensor).toOpaque())
}

/// The tensor behind a borrowed handle, with its values: a deferred value (Ops/Deferred) is
/// computed here, so no op but the few that take `borrowUnresolved` ever sees one.
func borrow(_ handle: OpaquePointer?, _ op: String = "abi") throws -> Tensor {
    try borrowUnresolved(handle, op).resolved()
}

/// The tensor behind a borrowed handle as it is, possibly deferred: for its metadata and for
/// the ops that continue a deferred value.
func borrowUnresolved(_ handle: OpaquePointer?, _ op: String = "abi") throws -> Tensor {
    guard let handle else { throw SDLError(.value, "[\(op)] received a NULL tensor handle") }
    return Unmanaged<Tensor>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
}

/// Reads an int64 array of `count` entries (a shape, strides or axes) from C.
func readInts(_ pointer: UnsafePointer<Int64>?, _ count: Int32, _ op: String) throws -> [Int] {
    if count < 0 || count > 64 { throw SDLError(.value, "[\(op)] rank must be between 0 and 64; received \(count)") }
    if count == 0 { return [] }
    guard let pointer else { throw SDLError(.value, "[\(op)] received a NULL array of \(count) entries") }
    return (0..<Int(count)).map { Int(pointer[$0]) }
}

func readDType(_ code: Int32, _ op: String) throws -> DType {
    guard let dtype = DType(rawValue: code) else { throw SDLError(.type, "[\(op)] unknown dtype code \(code)") }
    return dtype
}

func record(_ error: Error) -> Int32 {
    if let error = error as? SDLError {
        sdl_internal_set_last_error(error.message)
        return error.kind.rawValue
    }
    sdl_internal_set_last_error("[internal] \(error)")
    return SDLError.Kind.internal.rawValue
}

/// Runs `body`, hands its tensor out through `out`, and turns errors into a status.
func produce(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ body: () throws -> Tensor) -> Int32 {
    guard let out else {
        sdl_internal_set_last_error("[abi] received a NULL out-pointer")
        return SDLError.Kind.value.rawValue
    }
    do {
        out.pointee = makeHandle(try body())
        return 0
    } catch {
        out.pointee = nil
        return record(error)
    }
}

/// Runs `body` for its effect and turns errors into a status.
func perform(_ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return 0
    } catch {
        return record(error)
    }
}
