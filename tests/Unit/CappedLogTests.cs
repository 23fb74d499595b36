using System.Text;
using ModelUploads.Docker;

namespace ModelUploads.Tests.Unit;

public sealed class CappedLogTests
{
    [Fact]
    public void CappedLogKeepsTextUnderLimit()
    {
        // Given
        var log = new CappedLog(64);

        // When
        Append(log, "hello ");
        Append(log, "world\n");

        // Then
        Assert.Equal("hello world\n", log.ToString());
        Assert.Equal(12, log.TotalBytes);
    }

    [Fact]
    public void CappedLogKeepsTextAtLimit()
    {
        // Given
        var log = new CappedLog(10);

        // When
        Append(log, "0123456789");

        // Then
        Assert.Equal("0123456789", log.ToString());
    }

    [Fact]
    public void CappedLogIsEmptyBeforeAppend()
    {
        Assert.Equal("", new CappedLog(10).ToString());
    }

    [Fact]
    public void CappedLogKeepsHeadAndTailOverLimit()
    {
        // Given
        var log = new CappedLog(10);

        // When
        Append(log, "0123456789ABCDEF");

        // Then
        var expected = "01234"
            + "\n[... 6 bytes of output dropped; the log keeps the first 5 and the last 5 bytes ...]\n"
            + "BCDEF";
        Assert.Equal(expected, log.ToString());
        Assert.Equal(16, log.TotalBytes);
    }

    [Fact]
    public void CappedLogWrapsTailOverSingleBytes()
    {
        // Given
        var log = new CappedLog(10);

        // When
        foreach (var character in "0123456789ABCDEF")
        {
            Append(log, character.ToString());
        }

        // Then
        var expected = "01234"
            + "\n[... 6 bytes of output dropped; the log keeps the first 5 and the last 5 bytes ...]\n"
            + "BCDEF";
        Assert.Equal(expected, log.ToString());
    }

    [Fact]
    public void CappedLogGivesOddByteToTail()
    {
        // Given
        var log = new CappedLog(11);

        // When
        Append(log, "0123456789ABCDEFGHIJ");

        // Then
        var expected = "01234"
            + "\n[... 9 bytes of output dropped; the log keeps the first 5 and the last 6 bytes ...]\n"
            + "EFGHIJ";
        Assert.Equal(expected, log.ToString());
    }

    [Fact]
    public void CappedLogCountsDroppedBytesExactly()
    {
        // Given
        var log = new CappedLog(1000);
        var output = string.Concat(Enumerable.Range(0, 10_000).Select(i => (char)('a' + i % 26)));

        // When
        for (var start = 0; start < output.Length; start += 7)
        {
            Append(log, output[start..Math.Min(start + 7, output.Length)]);
        }

        // Then
        var stored = log.ToString();
        var marker = "\n[... 9000 bytes of output dropped; the log keeps the first 500 and the last 500 bytes ...]\n";
        Assert.Equal(10_000, log.TotalBytes);
        Assert.StartsWith(output[..500] + marker, stored, StringComparison.Ordinal);
        Assert.EndsWith(marker + output[^500..], stored, StringComparison.Ordinal);
    }

    private static void Append(CappedLog log, string text) => log.Append(Encoding.UTF8.GetBytes(text));
}
