/// The elementwise functions of two elements that binaryKernel specialises on.

public enum Add<T: ArithmeticElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> T { T.plus(a, b) }
}
public enum Subtract<T: ArithmeticElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> T { T.minus(a, b) }
}
public enum Multiply<T: ArithmeticElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> T { T.times(a, b) }
}
public enum Divide<T: ArithmeticElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> T { T.quotient(a, b) }
}
public enum FloorDivide<T: ArithmeticElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> T { T.floorQuotient(a, b) }
}
public enum Remainder<T: ArithmeticElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> T { T.modulo(a, b) }
}
public enum Power<T: ArithmeticElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> T { T.power(a, b) }
}
public enum Maximum<T: ArithmeticElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> T { T.larger(a, b) }
}
public enum Minimum<T: ArithmeticElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> T { T.smaller(a, b) }
}
public enum Equal<T: ArithmeticElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> Bool { a == b }
}
public enum NotEqual<T: ArithmeticElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> Bool { a != b }
}
public enum Less<T: ArithmeticElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> Bool { a < b }
}
public enum LessEqual<T: ArithmeticElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> Bool { a <= b }
}
public enum BitAnd<T: IntegerElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> T { a & b }
}
public enum BitOr<T: IntegerElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> T { a | b }
}
public enum BitXor<T: IntegerElement>: BinaryOperation {
    @inline(__always) public static func apply(_ a: T, _ b: T) -> T { a ^ b }
}
public enum LogicalAnd: BinaryOperation {
    @inline(__always) public static func apply(_ a: Bool, _ b: Bool) -> Bool { a && b }
}
public enum LogicalOr: BinaryOperation {
    @inline(__always) public static func apply(_ a: Bool, _ b: Bool) -> Bool { a || b }
}
public enum LogicalXor: BinaryOperation {
    @inline(__always) public static func apply(_ a: Bool, _ b: Bool) -> Bool { a != b }
}
public enum BoolEqual: BinaryOperation {
    @inline(__always) public static func apply(_ a: Bool, _ b: Bool) -> Bool { a == b }
}
