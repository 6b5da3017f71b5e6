import CSwiftDL
import SwiftDL

@_cdecl("sdl_random_seed")
public func randomSeed(_ seed: UInt64) { RandomState.global.seed(seed) }

@_cdecl("sdl_random_get_state")
public func randomGetState(_ seed: UnsafeMutablePointer<UInt64>?, _ nextBlock: UnsafeMutablePointer<UInt64>?) -> Int32 {
    perform {
        guard let seed, let nextBlock else { throw SDLError(.value, "[random] received a NULL out-pointer") }
        (seed.pointee, nextBlock.pointee) = RandomState.global.position
    }
}

@_cdecl("sdl_random_set_state")
public func randomSetState(_ seed: UInt64, _ nextBlock: UInt64) {
    RandomState.global.position = (seed, nextBlock)
}

@_cdecl("sdl_random_uniform")
public func randomUniformOp(
    _ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ low: Double, _ high: Double, _ dtype: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try randomUniform(
            shape: readInts(shape, ndim, "uniform"), low: low, high: high, dtype: readDType(dtype, "uniform"))
    }
}

@_cdecl("sdl_random_normal")
public func randomNormalOp(
    _ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ mean: Double, _ std: Double, _ dtype: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try randomNormal(
            shape: readInts(shape, ndim, "normal"), mean: mean, std: std, dtype: readDType(dtype, "normal"))
    }
}

@_cdecl("sdl_random_randint")
public func randomIntegerOp(
    _ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ low: Int64, _ high: Int64, _ dtype: Int32,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try randomInteger(
            shape: readInts(shape, ndim, "randint"), low: low, high: high, dtype: readDType(dtype, "randint"))
    }
}

@_cdecl("sdl_random_permutation")
public func randomPermutationOp(_ n: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    produce(out) { try randomPermutation(Int(n)) }
}

// Seeded draws: a stream of their own, keyed by `key` and starting at counter block
// `block`, leaving the global stream untouched (Keras's stateless random ops and its
// SeedGenerator).

@_cdecl("sdl_random_uniform_seeded")
public func randomUniformSeededOp(
    _ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ low: Double, _ high: Double,
    _ dtype: Int32, _ key: UInt64, _ block: UInt64,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try randomUniform(
            shape: readInts(shape, ndim, "uniform"), low: low, high: high, dtype: readDType(dtype, "uniform"),
            state: RandomState(seed: key, firstBlock: block))
    }
}

@_cdecl("sdl_random_normal_seeded")
public func randomNormalSeededOp(
    _ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ mean: Double, _ std: Double,
    _ dtype: Int32, _ key: UInt64, _ block: UInt64,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try randomNormal(
            shape: readInts(shape, ndim, "normal"), mean: mean, std: std, dtype: readDType(dtype, "normal"),
            state: RandomState(seed: key, firstBlock: block))
    }
}

@_cdecl("sdl_random_randint_seeded")
public func randomIntegerSeededOp(
    _ shape: UnsafePointer<Int64>?, _ ndim: Int32, _ low: Int64, _ high: Int64,
    _ dtype: Int32, _ key: UInt64, _ block: UInt64,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) {
        try randomInteger(
            shape: readInts(shape, ndim, "randint"), low: low, high: high, dtype: readDType(dtype, "randint"),
            state: RandomState(seed: key, firstBlock: block))
    }
}

@_cdecl("sdl_random_permutation_seeded")
public func randomPermutationSeededOp(
    _ n: Int64, _ key: UInt64, _ block: UInt64,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    produce(out) { try randomPermutation(Int(n), state: RandomState(seed: key, firstBlock: block)) }
}
