namespace ModelUploads.Gateway.Uploads;

/// <summary>
/// Checks the first and last bytes of an upload, reading and never executing
/// it: a binary pickle (protocol 2 to 5, which cloudpickle writes) starts with
/// the PROTO opcode 0x80 and its protocol number, and every pickle ends with
/// the STOP opcode '.'.
/// </summary>
internal static class PickleHeader
{
    private const byte ProtoOpcode = 0x80;
    private const byte StopOpcode = (byte)'.';

    /// <summary>Returns null for a plausible pickle, else a message naming what is wrong.</summary>
    public static string? Check(ReadOnlySpan<byte> head, byte last, long size, string fileName)
    {
        if (size == 0)
        {
            return $"The file '{fileName}' is empty. Upload the file that cloudpickle.dump wrote.";
        }

        if (head[0] != ProtoOpcode)
        {
            return $"The file '{fileName}' is not a binary pickle: it starts with 0x{head[0]:x2} where a pickle starts with 0x80. "
                + "Upload the file that cloudpickle.dump(predict, file) wrote.";
        }

        if (size < 3)
        {
            return $"The file '{fileName}' has only {size} bytes, too few for a pickle, so it is truncated. Upload the whole file again.";
        }

        if (head[1] is < 2 or > 5)
        {
            return $"The file '{fileName}' declares pickle protocol {head[1]}; protocols 2 to 5 are supported. "
                + "Write it with cloudpickle.dump, which uses protocol 5 by default.";
        }

        if (last != StopOpcode)
        {
            return $"The file '{fileName}' ends with 0x{last:x2}, not the STOP opcode of a pickle, so it is truncated. Upload the whole file again.";
        }

        return null;
    }
}
