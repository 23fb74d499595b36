using ModelUploads.Gateway.Uploads;

namespace ModelUploads.Tests.Unit;

public sealed class PickleHeaderTests
{
    private const string FileName = "model.pkl";

    private const byte StopOpcode = (byte)'.';

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void CheckAcceptsBinaryPickle(byte protocol)
    {
        // Given
        var head = Head(0x80, protocol, 0x95);

        // When
        var problem = PickleHeader.Check(head, StopOpcode, size: 1200, FileName);

        // Then
        Assert.True(problem is null, $"protocol {protocol} was rejected: {problem}");
    }

    [Fact]
    public void CheckRejectsEmptyFile()
    {
        // When
        var problem = PickleHeader.Check(Head(), last: 0, size: 0, FileName);

        // Then
        Assert.NotNull(problem);
        TextAssert.Contains("'model.pkl' is empty", problem);
    }

    [Theory]
    [InlineData(0x28)]
    [InlineData(0x50)]
    [InlineData(0x00)]
    [InlineData(0x7f)]
    public void CheckRejectsMissingProtoOpcode(byte first)
    {
        // Given
        var head = Head(first, 0x04, 0x95);

        // When
        var problem = PickleHeader.Check(head, StopOpcode, size: 1200, FileName);

        // Then
        Assert.NotNull(problem);
        TextAssert.Contains("is not a binary pickle", problem);
        TextAssert.Contains($"starts with 0x{first:x2} where a pickle starts with 0x80", problem);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(255)]
    public void CheckRejectsUnsupportedProtocol(byte protocol)
    {
        // Given
        var head = Head(0x80, protocol, 0x95);

        // When
        var problem = PickleHeader.Check(head, StopOpcode, size: 1200, FileName);

        // Then
        Assert.NotNull(problem);
        TextAssert.Contains($"declares pickle protocol {protocol}", problem);
        TextAssert.Contains("protocols 2 to 5 are supported", problem);
    }

    [Theory]
    [InlineData(0x94)]
    [InlineData(0x00)]
    [InlineData((byte)'\n')]
    public void CheckRejectsTruncatedPickle(byte last)
    {
        // Given
        var head = Head(0x80, 0x05, 0x95);

        // When
        var problem = PickleHeader.Check(head, last, size: 1200, FileName);

        // Then
        Assert.NotNull(problem);
        TextAssert.Contains($"ends with 0x{last:x2}", problem);
        TextAssert.Contains("truncated", problem);
    }

    [Fact]
    public void CheckNamesProblemOfTwoByteFile()
    {
        // Given a file of only the PROTO opcode and its protocol, which is too short to be a pickle
        var head = Head(0x80, 0x05);

        // When
        var problem = PickleHeader.Check(head, last: 0x05, size: 2, FileName);

        // Then
        Assert.NotNull(problem);
        TextAssert.DoesNotContain("starts with 0x80 where a pickle starts with 0x80", problem);
    }

    /// <summary>Builds the 16-byte head that the upload store keeps: the given bytes, then zeros.</summary>
    private static byte[] Head(params byte[] leading)
    {
        var head = new byte[16];
        leading.CopyTo(head, 0);
        return head;
    }
}
