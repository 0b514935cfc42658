// Tests that drive a real server use the product's own client, so what they prove about the
// wire holds for `tapedeck send` too.
@_exported import StreamClient
