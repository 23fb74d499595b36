using ModelUploads.Gateway.Endpoints;

namespace ModelUploads.Tests.Unit;

public sealed class ModelEndpointsTests
{
    [Theory]
    [InlineData("3.11", "3.11")]
    [InlineData("Python 3.11", "3.11")]
    [InlineData("python3.11", "3.11")]
    [InlineData("py3.11", "3.11")]
    [InlineData("  PY 3.13 ", "3.13")]
    [InlineData("PYTHON3.13", "3.13")]
    [InlineData("", "")]
    public void NormalizePythonVersionStripsPrefix(string value, string expected)
    {
        Assert.Equal(expected, ModelEndpoints.NormalizePythonVersion(value));
    }

    [Theory]
    [InlineData("model.pkl", "model.pkl")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData(@"..\..\Windows\win.ini", "win.ini")]
    [InlineData(@"C:\Users\me\predict.pkl", "predict.pkl")]
    [InlineData("/tmp/models/", "model.pkl")]
    [InlineData("", "model.pkl")]
    [InlineData(null, "model.pkl")]
    [InlineData("..", "model.pkl")]
    [InlineData("...", "model.pkl")]
    [InlineData("my model (v2).pkl", "mymodelv2.pkl")]
    [InlineData("model;rm -rf $HOME.pkl", "modelrm-rfHOME.pkl")]
    [InlineData("a\0b\r\n.pkl", "ab.pkl")]
    [InlineData("résumé_1.pkl", "résumé_1.pkl")]
    [InlineData("<>:\"|?*", "model.pkl")]
    public void SafeFileNameKeepsSafeBaseName(string? fileName, string expected)
    {
        Assert.Equal(expected, ModelEndpoints.SafeFileName(fileName));
    }

    [Fact]
    public void SafeFileNameKeepsFirst100Characters()
    {
        // Given
        var fileName = new string('m', 150) + ".pkl";

        // When
        var safe = ModelEndpoints.SafeFileName(fileName);

        // Then
        Assert.Equal(new string('m', 100), safe);
    }
}
