/// Errors from loading models and running recognition, each saying what to do.
public enum RecognitionError: Error, CustomStringConvertible, Equatable {
    case modelMissing(name: String, path: String)
    case notACTranslate2Model(String)
    case unsupportedModelVersion(UInt32)
    case truncatedModel(path: String, needed: Int, size: Int)
    case missingVariable(String)
    case unsupportedDataType(variable: String, code: UInt8)
    case badConfig(String)

    public var description: String {
        switch self {
        case let .modelMissing(name, path):
            return "model \"\(name)\" is not installed (looked in \(path)); run `tools/fetch-models \(name)`"
        case .notACTranslate2Model(let why): return "not a CTranslate2 model: \(why)"
        case .unsupportedModelVersion(let v): return "CTranslate2 model format version \(v) is not supported (5 and 6 are)"
        case let .truncatedModel(path, needed, size):
            return "\(path) is truncated: \(size) bytes, but its tensors need \(needed); fetch it again with tools/fetch-models (the 'small' packages on PyPI are known to be incomplete)"
        case .missingVariable(let name): return "the model has no tensor \"\(name)\": is it a Whisper model?"
        case let .unsupportedDataType(variable, code): return "tensor \(variable) has data type \(code), which this engine cannot read"
        case .badConfig(let why): return "model config.json: \(why)"
        }
    }
}
