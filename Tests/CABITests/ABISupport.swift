import CSwiftDL
import SwiftDLC
import XCTest

// Helpers for driving the C ABI from Swift the way a C caller would.

let ok = Int32(SDL_OK)
let valueError = Int32(SDL_ERROR_VALUE)
let typeError = Int32(SDL_ERROR_TYPE)
let indexError = Int32(SDL_ERROR_INDEX)
let memoryError = Int32(SDL_ERROR_MEMORY)
let float32Code = Int32(SDL_FLOAT32)
let float64Code = Int32(SDL_FLOAT64)
let int64Code = Int32(SDL_INT64)

/// The calling thread's last error message.
var lastError: String { String(cString: sdl_last_error()) }

/// Calls an ABI function that returns a tensor through an out-pointer; fails the test
/// unless it succeeds.
func make(
    _ what: String, file: StaticString = #filePath, line: UInt = #line,
    _ call: (UnsafeMutablePointer<sdl_tensor?>) -> Int32
) -> sdl_tensor? {
    var out: sdl_tensor? = nil
    let status = call(&out)
    XCTAssertEqual(status, ok, "\(what): \(lastError)", file: file, line: line)
    XCTAssertNotNil(out, what, file: file, line: line)
    return out
}

/// Calls an ABI function expected to fail with `status`; checks that nothing was handed
/// out, that no handle leaked, and that the message names the op in brackets and
/// contains `mentioning`.
func expectFailure(
    _ status: Int32, _ mentioning: String, file: StaticString = #filePath, line: UInt = #line,
    _ call: (UnsafeMutablePointer<sdl_tensor?>) -> Int32
) {
    let before = sdl_live_tensors()
    var out: sdl_tensor? = OpaquePointer(bitPattern: 0xDEAD)
    let actual = call(&out)
    XCTAssertEqual(actual, status, "message: \(lastError)", file: file, line: line)
    XCTAssertNil(out, "a failed call must write NULL to its out-pointer", file: file, line: line)
    XCTAssertEqual(sdl_live_tensors(), before, "a failed call must not leak a handle", file: file, line: line)
    let message = lastError
    XCTAssertTrue(message.hasPrefix("["), "message should start with [op]: \(message)", file: file, line: line)
    XCTAssertTrue(
        message.contains(mentioning), "message should mention \(mentioning): \(message)", file: file, line: line)
}

/// A float32 tensor holding `values` with `shape`, copied in.
func floatTensor(_ values: [Float], _ shape: [Int64], file: StaticString = #filePath, line: UInt = #line) -> sdl_tensor?
{
    make("from_data", file: file, line: line) { out in
        values.withUnsafeBytes { bytes in
            sdl_tensor_from_data(float32Code, shape, Int32(shape.count), nil, bytes.baseAddress, out)
        }
    }
}

/// A tensor's shape and elements read back through the ABI (float32 only).
func floatValues(_ tensor: sdl_tensor?) -> (shape: [Int64], values: [Float]) {
    let rank = Int(sdl_tensor_ndim(tensor))
    var shape = [Int64](repeating: 0, count: rank), strides = [Int64](repeating: 0, count: rank)
    sdl_tensor_shape(tensor, &shape)
    sdl_tensor_strides(tensor, &strides)
    guard let data = sdl_tensor_data(tensor) else { return (shape, []) }
    var result: [Float] = []
    var index = [Int64](repeating: 0, count: rank)
    let count = shape.reduce(1, *)
    for _ in 0..<count {
        let byteOffset = zip(index, strides).reduce(Int64(0)) { $0 + $1.0 * $1.1 }
        result.append(data.load(fromByteOffset: Int(byteOffset), as: Float.self))
        var axis = rank - 1
        while axis >= 0 {
            index[axis] += 1
            if index[axis] < shape[axis] { break }
            index[axis] = 0
            axis -= 1
        }
    }
    return (shape, result)
}
