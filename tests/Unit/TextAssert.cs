namespace ModelUploads.Tests.Unit;

/// <summary>
/// Substring checks whose failure message shows the whole text, because xunit's
/// Assert.Contains cuts a long message down to a few dozen characters.
/// </summary>
internal static class TextAssert
{
    public static void Contains(string expected, string? text) =>
        Assert.True(
            text is not null && text.Contains(expected, StringComparison.Ordinal),
            $"expected \"{expected}\" in: {text ?? "(null)"}");

    public static void DoesNotContain(string unexpected, string? text) =>
        Assert.True(
            text is null || !text.Contains(unexpected, StringComparison.Ordinal),
            $"did not expect \"{unexpected}\" in: {text}");
}
