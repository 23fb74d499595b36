using ModelUploads.Diagnostics;

namespace ModelUploads.Tests.Unit;

public sealed class InverseNormalTests
{
    private const double RelativeTolerance = 1e-15;

    /// <summary>
    /// Quantiles from scipy.special.ndtri of SciPy 1.10.1, which uses the Cephes algorithm,
    /// not AS 241. They cover the central region, the intermediate tail and the far tail.
    /// </summary>
    public static TheoryData<double, double> KnownQuantiles => new()
    {
        { 0.975, 1.959963984540054 },
        { 0.025, -1.9599639845400545 },
        { 0.8413447460685429, 1.0 },
        { 0.1, -1.2815515655446004 },
        { 0.9, 1.2815515655446004 },
        { 0.075, -1.4395314709384563 },
        { 0.074, -1.4466320671589785 },
        { 0.01, -2.3263478740408408 },
        { 1e-5, -4.264890793922825 },
        { 0.999999, 4.753424308817087 },
        { 1e-10, -6.361340902404056 },
        { 1e-11, -6.706023155495137 },
        { 1e-12, -7.034483825301131 },
        { 1e-20, -9.262340089798409 },
        { 1e-100, -21.273453560965322 },
        { 1e-300, -37.0470962993612 },
        { double.Epsilon, -38.467405617144344 },
    };

    [Theory]
    [MemberData(nameof(KnownQuantiles))]
    public void QuantileMatchesReferenceValue(double p, double expected)
    {
        var actual = InverseNormal.Quantile(p);

        var relativeError = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(
            relativeError <= RelativeTolerance,
            $"Quantile({p:R}) is {actual:R}, expected {expected:R}, relative error {relativeError:R}");
    }

    [Fact]
    public void QuantileOfHalfIsZero()
    {
        Assert.Equal(0.0, InverseNormal.Quantile(0.5));
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.0625)]
    [InlineData(0.001953125)]
    [InlineData(1.0 / 1024 / 1024 / 1024)]
    public void QuantileIsAntisymmetricAroundHalf(double p)
    {
        // These p are powers of two, so 1 - p is exact and the two calls see mirrored inputs.
        var lower = InverseNormal.Quantile(p);
        var upper = InverseNormal.Quantile(1.0 - p);

        Assert.True(lower < 0.0, $"Quantile({p:R}) is {lower:R}, expected a negative value");
        Assert.True(upper == -lower, $"Quantile({1.0 - p:R}) is {upper:R}, expected {-lower:R}");
    }

    [Fact]
    public void QuantileIncreasesAcrossRegionBoundaries()
    {
        // Both ends of the central region (p = 0.075 and 0.925) and the start of the far tail (p = e^-25).
        double[] probabilities = [1e-12, Math.Exp(-25) * 0.999, Math.Exp(-25), Math.Exp(-25) * 1.001,
            0.07499, 0.075, 0.07501, 0.5, 0.92499, 0.925, 0.92501];

        for (var i = 1; i < probabilities.Length; i++)
        {
            var previous = InverseNormal.Quantile(probabilities[i - 1]);
            var current = InverseNormal.Quantile(probabilities[i]);
            Assert.True(
                current > previous,
                $"Quantile({probabilities[i]:R}) is {current:R}, not above Quantile({probabilities[i - 1]:R}) = {previous:R}");
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void QuantileRejectsValueOutsideOpenInterval(double p)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => InverseNormal.Quantile(p));

        Assert.Equal("p", error.ParamName);
        Assert.Equal(p, error.ActualValue);
        var text = p.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
    }
}
