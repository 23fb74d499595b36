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

    public override string ToString()
    {
        var text = new StringBuilder(Encoding.UTF8.GetString(_head, 0, _headLength));
        if (_tailWritten == 0)
        {
            return text.ToString();
        }

        var kept = Math.Min(_tailWritten, _tail.Length);
        var dropped = TotalBytes - _headLength - kept;
        var start = _tailWritten > _tail.Length ? _tailWritten % _tail.Length : 0;
        var tail = new byte[kept];
        for (var i = 0L; i < kept; i++)
        {
            tail[i] = _tail[(start + i) % _tail.Length];
        }

        if (dropped > 0)
        {
            text.Append($"\n[... {dropped} bytes of output dropped; the log keeps the first {_head.Length} and the last {_tail.Length} bytes ...]\n");
        }

        text.Append(Encoding.UTF8.GetString(tail));
        return text.ToString();
    }
}
