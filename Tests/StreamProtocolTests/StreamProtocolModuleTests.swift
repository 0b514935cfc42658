import Testing
@testable import StreamProtocol
