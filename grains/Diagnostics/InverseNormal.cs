using System.Globalization;

namespace ModelUploads.Diagnostics;

/// <summary>
/// The standard normal quantile function (inverse CDF), computed with algorithm AS 241
/// (PPND16) from M. J. Wichura, "The Percentage Points of the Normal Distribution",
/// Applied Statistics 37(3), 1988. Its unit tests check a relative error of at most
/// 1e-15 against SciPy's ndtri.
/// </summary>
internal static class InverseNormal
{
    // |p - 0.5| <= 0.425 uses the central approximation in (0.425^2 - q^2).
    private const double CentralSplit = 0.425;
    private const double CentralSplitSquared = 0.180625;

    // Beyond the centre, r = sqrt(-ln(min(p, 1 - p))) selects the intermediate
    // approximation in (r - 1.6) up to r = 5 and the far-tail one in (r - 5) after it.
    private const double TailSplit = 5.0;
    private const double IntermediateShift = 1.6;

    // The coefficients of each polynomial, constant term first.
    private static readonly double[] CentralNumerator =
    [
        3.3871328727963666080e0, 1.3314166789178437745e2, 1.9715909503065514427e3, 1.3731693765509461125e4,
        4.5921953931549871457e4, 6.7265770927008700853e4, 3.3430575583588128105e4, 2.5090809287301226727e3,
    ];

    private static readonly double[] CentralDenominator =
    [
        1.0, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3,
        2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4, 5.2264952788528545610e3,
    ];

    private static readonly double[] IntermediateNumerator =
    [
        1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0, 3.64784832476320460504e0,
        1.27045825245236838258e0, 2.41780725177450611770e-1, 2.27238449892691845833e-2, 7.74545014278341407640e-4,
    ];

    private static readonly double[] IntermediateDenominator =
    [
        1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
        1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4, 1.05075007164441684324e-9,
    ];

    private static readonly double[] FarTailNumerator =
    [
        6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0, 2.96560571828504891230e-1,
        2.65321895265761230930e-2, 1.24266094738807843860e-3, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
    ];

    private static readonly double[] FarTailDenominator =
    [
        1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
        7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7, 2.04426310338993978564e-15,
    ];

    /// <summary>Computes x such that P(Z &lt;= x) = p for a standard normal Z.</summary>
    /// <exception cref="ArgumentOutOfRangeException">p is not strictly between 0 and 1, or is NaN.</exception>
    public static double Quantile(double p)
    {
        // Written so that NaN fails the check too.
        if (!(p > 0.0 && p < 1.0))
        {
            var text = p.ToString("R", CultureInfo.InvariantCulture);
            throw new ArgumentOutOfRangeException(
                nameof(p),
                p,
                $"The probability {text} is outside (0, 1). The normal quantile is defined only for 0 < p < 1.");
        }

        var q = p - 0.5;
        if (Math.Abs(q) <= CentralSplit)
        {
            var r = CentralSplitSquared - q * q;
            return q * Polynomial(CentralNumerator, r) / Polynomial(CentralDenominator, r);
        }

        // Use the smaller tail probability. For p > 0.925 the subtraction 1 - p is exact.
        var tail = q < 0.0 ? p : 1.0 - p;
        var s = Math.Sqrt(-Math.Log(tail));
        double magnitude;
        if (s <= TailSplit)
        {
            s -= IntermediateShift;
            magnitude = Polynomial(IntermediateNumerator, s) / Polynomial(IntermediateDenominator, s);
        }
        else
        {
            s -= TailSplit;
            magnitude = Polynomial(FarTailNumerator, s) / Polynomial(FarTailDenominator, s);
        }

        return q < 0.0 ? -magnitude : magnitude;
    }

    /// <summary>Evaluates the polynomial at x by Horner's rule.</summary>
    private static double Polynomial(double[] coefficients, double x)
    {
        var value = coefficients[^1];
        for (var i = coefficients.Length - 2; i >= 0; i--)
        {
            value = value * x + coefficients[i];
        }

        return value;
    }
}
