/// The elementwise functions of one element that unaryKernel specialises on.

public enum Negative<T: ArithmeticElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { T.negated(x) }
}
public enum Absolute<T: ArithmeticElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { T.magnitude(x) }
}
public enum Sign<T: ArithmeticElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { T.signum(x) }
}
public enum Square<T: ArithmeticElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { T.times(x, x) }
}
public enum Exp<T: FloatElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { T.exp(x) }
}
public enum Log<T: FloatElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { T.log(x) }
}
public enum SquareRoot<T: FloatElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { x.squareRoot() }
}
public enum Tanh<T: FloatElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { T.tanh(x) }
}
public enum Sine<T: FloatElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { T.sin(x) }
}
public enum Cosine<T: FloatElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { T.cos(x) }
}
public enum Log1p<T: FloatElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { T.log1p(x) }
}
public enum Expm1<T: FloatElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { T.expm1(x) }
}
public enum Reciprocal<T: FloatElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { 1 / x }
}
public enum Floor<T: FloatElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { x.rounded(.down) }
}
public enum Ceil<T: FloatElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { x.rounded(.up) }
}
/// Rounds half to even, like numpy.rint and numpy.round.
public enum Rint<T: FloatElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T { x.rounded(.toNearestOrEven) }
}
/// NOTE: written as exp(-|x|) on both sides so large |x| never overflows exp.
public enum Sigmoid<T: FloatElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T {
        let e = T.exp(-Swift.abs(x))
        return x >= 0 ? 1 / (1 + e) : e / (1 + e)
    }
}
/// numpy's integer reciprocal: 1/x truncated, 0 for |x| > 1, and 0 (not a trap) for x == 0.
public enum IntegerReciprocal<T: IntegerElement>: UnaryOperation {
    @inline(__always) public static func apply(_ x: T) -> T {
        x == 0 ? 0 : (x == 1 ? 1 : (T.isSigned && x == T.negated(1) ? x : 0))
    }
}
public enum Invert<T: IntegerElement>: UnaryOperation { @inline(__always) public static func apply(_ x: T) -> T { ~x } }
public enum LogicalNot: UnaryOperation { @inline(__always) public static func apply(_ x: Bool) -> Bool { !x } }
