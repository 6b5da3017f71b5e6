import XCTest

@testable import SwiftDL

final class BroadcastTests: XCTestCase {
    /// Adds a (2, 3) and a (3,) tensor and checks every element against a naive loop.
    func testAddBroadcastsRowAgainstMatrix() throws {
        let a = try Tensor.empty([2, 3], dtype: .float32)
        let b = try Tensor.empty([3], dtype: .float32)
        for i in 0..<6 { a.pointer(as: Float.self)[i] = Float(i) }
        for j in 0..<3 { b.pointer(as: Float.self)[j] = Float(10 * (j + 1)) }
        let c = try binary(.add, a, b)
        XCTAssertEqual(c.shape, [2, 3])
        for i in 0..<2 {
            for j in 0..<3 {
                XCTAssertEqual(c.pointer(as: Float.self)[i * 3 + j], Float(i * 3 + j) + Float(10 * (j + 1)))
            }
        }
    }

    func testIncompatibleShapesThrowValueError() throws {
        let a = try Tensor.empty([2, 3], dtype: .float32)
        let b = try Tensor.empty([4], dtype: .float32)
        XCTAssertThrowsError(try binary(.add, a, b)) { error in
            XCTAssertEqual((error as? SDLError)?.kind, .value)
        }
    }
}
