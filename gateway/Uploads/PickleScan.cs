namespace ModelUploads.Gateway.Uploads;

/// <summary>
/// The result of <see cref="PickleScanner.Scan"/>. <paramref name="Protocol"/> is the protocol that the
/// PROTO opcode declares, or the highest protocol among the opcodes read when there is no PROTO (protocols
/// 0 and 1 write none). <paramref name="Modules"/> lists the distinct modules that GLOBAL, INST and
/// STACK_GLOBAL reference, in first-seen order and as written in the file (full dotted names such as
/// "sklearn.linear_model._ridge"). <paramref name="Error"/> is null when the scan reached STOP, else a
/// sentence naming the byte offset and the opcode where it stopped. After an error, the protocol and the
/// modules are those read before the failing opcode.
/// </summary>
internal sealed record PickleScan(int Protocol, IReadOnlyList<string> Modules, string? Error);
