import Foundation

/// A CTranslate2 `model.bin`: a header naming the model spec, then named tensors.
/// Layout (little-endian): `u32 version | str spec | u32 revision | u32 count |
/// count × (str name | u8 rank | u32 dims[rank] | u8 dtype | u32 nbytes | bytes) |
/// u32 aliases | aliases × (str alias | str target)`, where `str` is a u16 length and bytes
/// (NUL-terminated). The file is memory-mapped; tensors are converted to Float on request.
public final class CTranslate2Model: @unchecked Sendable {  // immutable after init: a read-only memory map the checker cannot see into
    public enum DataType: UInt8, Sendable {
        case float32 = 0, int8 = 1, int16 = 2, int32 = 3, float16 = 4, bfloat16 = 5

        var width: Int {
            switch self {
            case .int8: return 1
            case .int16, .float16, .bfloat16: return 2
            case .float32, .int32: return 4
            }
        }
    }

    public struct Tensor: Sendable {
        public var name: String
        public var shape: [Int]
        public var dataType: DataType
        let offset: Int
        let byteCount: Int

        public var count: Int { shape.reduce(1, *) }
    }

    public let url: URL
    public let spec: String
    public let version: UInt32
    public private(set) var tensors: [String: Tensor] = [:]
    private let data: Data

    public init(url: URL) throws {
        self.url = url
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw RecognitionError.notACTranslate2Model("cannot read \(url.path)")
        }
        var reader = Reader(data: data, path: url.path)
        version = try reader.u32()
        guard version == 5 || version == 6 else { throw RecognitionError.unsupportedModelVersion(version) }
        spec = try reader.string()
        _ = try reader.u32()  // spec revision
        let count = try reader.u32()
        guard count < 100_000 else { throw RecognitionError.notACTranslate2Model("implausible tensor count \(count)") }
        for _ in 0..<count {
            let name = try reader.string()
            let rank = Int(try reader.u8())
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(Int(try reader.u32())) }
            let code = try reader.u8()
            guard let type = DataType(rawValue: code) else { throw RecognitionError.unsupportedDataType(variable: name, code: code) }
            let bytes = Int(try reader.u32())
            guard reader.offset + bytes <= data.count else {
                throw RecognitionError.truncatedModel(path: url.path, needed: reader.offset + bytes, size: data.count)
            }
            guard bytes == max(1, shape.reduce(1, *)) * type.width else {
                throw RecognitionError.notACTranslate2Model("tensor \(name) holds \(bytes) bytes for shape \(shape)")
            }
            tensors[name] = Tensor(name: name, shape: shape, dataType: type, offset: reader.offset, byteCount: bytes)
            reader.offset += bytes
        }
        if reader.offset + 4 <= data.count {
            let aliases = try reader.u32()
            for _ in 0..<aliases {
                let alias = try reader.string()
                let target = try reader.string()
                if let tensor = tensors[target] { tensors[alias] = tensor }
            }
        }
    }

    public func tensor(_ name: String) throws -> Tensor {
        guard let tensor = tensors[name] else { throw RecognitionError.missingVariable(name) }
        return tensor
    }

    /// The tensor's values as Float (float16/bfloat16 widened exactly; integers converted).
    public func floats(_ name: String) throws -> [Float] {
        let tensor = try tensor(name)
        let count = max(1, tensor.count)
        return data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + tensor.offset
            var out = [Float](repeating: 0, count: count)
            switch tensor.dataType {
            case .float32:
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case .float16:
                for i in 0..<count { out[i] = Half.float(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            case .bfloat16:
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
            case .int8:
                for i in 0..<count { out[i] = Float(Int8(bitPattern: base.load(fromByteOffset: i, as: UInt8.self))) }
            case .int16:
                for i in 0..<count { out[i] = Float(Int16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
            case .int32:
                for i in 0..<count { out[i] = Float(Int32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
            }
            return out
        }
    }

    /// A scalar tensor as an integer (flags such as `decoder/num_heads`).
    public func integer(_ name: String) throws -> Int {
        Int(try floats(name)[0])
    }

    private struct Reader {
        let data: Data
        let path: String
        var offset = 0

        mutating func bytes(_ n: Int) throws -> Data {
            guard offset + n <= data.count else { throw RecognitionError.truncatedModel(path: path, needed: offset + n, size: data.count) }
            defer { offset += n }
            return data.subdata(in: offset..<(offset + n))
        }

        mutating func u8() throws -> UInt8 { try bytes(1)[0] }
        mutating func u32() throws -> UInt32 { try bytes(4).withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) } }
        mutating func string() throws -> String {
            let length = try bytes(2).withUnsafeBytes { Int(UInt16(littleEndian: $0.loadUnaligned(as: UInt16.self))) }
            var raw = try bytes(length)
            while raw.last == 0 { raw.removeLast() }
            return String(decoding: raw, as: UTF8.self)
        }
    }
}

/// IEEE 754 half precision to single, exactly (subnormals, infinities and NaN included).
enum Half {
    static func float(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x03FF)
        switch exponent {
        case 0:
            if mantissa == 0 { return Float(bitPattern: sign) }
            let value = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -value : value
        case 31:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
        }
    }
}
