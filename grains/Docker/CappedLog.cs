using System.Text;

namespace ModelUploads.Docker;

/// <summary>
/// A text buffer that keeps at most a limit of bytes: the first half as it comes
/// and the last half as a ring, with a line in between that counts what it dropped.
/// </summary>
internal sealed class CappedLog(long limitBytes)
{
    private readonly byte[] _head = new byte[Math.Max(0, limitBytes / 2)];
    private int _headLength;
    private readonly byte[] _tail = new byte[Math.Max(0, limitBytes - limitBytes / 2)];
    private long _tailWritten;

    public long TotalBytes { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        TotalBytes += bytes.Length;
        var toHead = Math.Min(bytes.Length, _head.Length - _headLength);
        bytes[..toHead].CopyTo(_head.AsSpan(_headLength));
        _headLength += toHead;
        foreach (var value in bytes[toHead..])
        {
            if (_tail.Length == 0)
            {
                break;
            }

            _tail[_tailWritten % _tail.Length] = value;
            _tailWritten++;
        }
    }

    /// <summary>The first bytes, up to half the limit.</summary>
    public byte[] Head => _head[.._headLength];

    /// <summary>The last bytes, up to half the limit, that did not go to the head.</summary>
    public byte[] Tail
    {
        get
        {
            var kept = Math.Min(_tailWritten, _tail.Length);
            var start = _tailWritten > _tail.Length ? _tailWritten % _tail.Length : 0;
            var tail = new byte[kept];
            for (var i = 0L; i < kept; i++)
            {
                tail[i] = _tail[(start + i) % _tail.Length];
            }

            return tail;
        }
    }

    public override string ToString() => Compose(Head, Tail, TotalBytes - _headLength - Math.Min(_tailWritten, _tail.Length), exact: true);

    /// <summary>
    /// Joins a head and a tail with a line that counts the bytes dropped between them;
    /// when the count comes from two partial views of the output it is a lower bound.
    /// </summary>
    public static string Compose(byte[] head, byte[] tail, long dropped, bool exact)
    {
        var text = new StringBuilder(Encoding.UTF8.GetString(head));
        if (dropped > 0)
        {
            var count = exact ? $"{dropped}" : $"at least {dropped}";
            text.Append($"\n[... {count} bytes of output dropped; the log keeps the first {head.Length} and the last {tail.Length} bytes ...]\n");
        }

        text.Append(Encoding.UTF8.GetString(tail));
        return text.ToString();
    }
}
