import XCTest

@testable import SwiftDL

// The backward pass's "gradient is final" notification (data-parallel training starts each
// bucket's allreduce from it): once per source, after the source's last contribution, with
// the gradient the pass returns. The reference is the same pass without notification.
final class GradientNotificationTests: XCTestCase {
    /// One record of the notification: which source, whether it had a gradient, and how many
    /// ops' backward had run by then.
    private struct Event: Equatable {
        let source: Int
        let gradient: Tensor?
        let opsBefore: Int
        static func == (a: Event, b: Event) -> Bool { a.source == b.source && a.gradient === b.gradient }
    }

    /// loss = Σ (tanh(x·w1)·w1·w2 + frozen)²: w1 is used twice (a layer called twice),
    /// `unused` is read by an op the loss does not depend on, `frozen` is never watched.
    private func record(_ tape: GradientTape) throws -> (Tensor, [Tensor]) {
        let x = try makeTensor(randomValues(6, Float.self, seed: 1).map { $0 / 8 }, [2, 3])
        let w1 = try makeTensor(randomValues(9, Float.self, seed: 2).map { $0 / 8 }, [3, 3])
        let w2 = try makeTensor(randomValues(6, Float.self, seed: 3).map { $0 / 8 }, [3, 2])
        let unused = try makeTensor(randomValues(4, Float.self, seed: 4), [2, 2])
        let frozen = try makeTensor(randomValues(2, Float.self, seed: 5), [2])
        for variable in [w1, w2, unused] { tape.watch(variable) }
        tape.enter()
        let hidden = try differentiableMatmul(x, w1)
        let again = try differentiableMatmul(try differentiableUnary(.tanh, hidden), w1) // w1's second use
        let out = try differentiableBinary(.add, try differentiableMatmul(again, w2), frozen)
        _ = try differentiableBinary(.multiply, unused, unused) // recorded, but not on the target's path
        let loss = try differentiableReduce(
            .sum, try differentiableBinary(.multiply, out, out), axes: nil, keepdims: false)
        tape.exit()
        return (loss, [w1, w2, unused, frozen, w1]) // w1 twice among the sources
    }

    func testEachSourceIsToldOnceWithTheGradientThePassReturns() throws {
        let reference = GradientTape(persistent: true)
        let (referenceLoss, referenceSources) = try record(reference)
        let expected = try reference.gradient(
            of: [referenceLoss], withRespectTo: referenceSources, outputGradients: [nil])

        let tape = GradientTape()
        let (loss, sources) = try record(tape)
        var events: [Event] = []
        var ops = 0
        let results = try tape.gradient(
            of: [loss], withRespectTo: sources, outputGradients: [nil],
            whenFinal: { events.append(Event(source: $0, gradient: $1, opsBefore: ops)) },
            afterEachOp: { ops += 1 })

        XCTAssertEqual(events.map(\.source).sorted(), Array(sources.indices))
        for event in events {
            XCTAssertTrue(event.gradient === results[event.source], "source \(event.source): not the returned gradient")
        }
        for (result, reference) in zip(results, expected) {
            XCTAssertEqual(result == nil, reference == nil)
            if let result, let reference { XCTAssertEqual(values(result, as: Float.self), values(reference)) }
        }
        XCTAssertNil(results[3], "an unwatched source has no gradient")
        XCTAssertNil(results[2], "a source the target does not depend on has no gradient")
        // w2 is final after the second matmul's backward, before w1 (consumed by the first matmul too).
        let w2 = try XCTUnwrap(events.firstIndex { $0.source == 1 })
        let w1 = try XCTUnwrap(events.firstIndex { $0.source == 0 })
        XCTAssertLessThan(w2, w1)
        XCTAssertLessThan(events[w2].opsBefore, events[w1].opsBefore)
    }

    func testTheGradientIsFinalWhenToldAndEachOpIsCountedOnce() throws {
        // A copy taken when the notification fires equals the returned gradient: nothing
        // was added to it afterwards.
        let tape = GradientTape()
        let (loss, sources) = try record(tape)
        var copies: [Int: [Float]] = [:]
        var ticks = 0
        let results = try tape.gradient(
            of: [loss], withRespectTo: sources, outputGradients: [nil],
            whenFinal: { index, gradient in copies[index] = gradient.map { values($0, as: Float.self) } },
            afterEachOp: { ticks += 1 })
        for (index, result) in results.enumerated() {
            XCTAssertEqual(copies[index] ?? nil, result.map { values($0, as: Float.self) })
        }
        // Seven ops ran backward (the one off the target's path did not); w2, frozen and
        // w1 became final after three of them (frozen, unwatched, after its consumer), so four ticks.
        XCTAssertEqual(ticks, 4)
    }

    func testAnErrorFromTheCallbackEndsThePass() throws {
        struct Stop: Error {}
        let tape = GradientTape()
        let (loss, sources) = try record(tape)
        var told = 0
        XCTAssertThrowsError(
            try tape.gradient(
                of: [loss], withRespectTo: sources, outputGradients: [nil],
                whenFinal: { _, gradient in
                    told += 1
                    if gradient != nil { throw Stop() }
                })
        ) { XCTAssertTrue($0 is Stop) }
        XCTAssertLessThan(told, sources.count)
    }
}
