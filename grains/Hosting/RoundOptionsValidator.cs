using System.Globalization;
using Microsoft.Extensions.Options;

namespace ModelUploads.Hosting;

/// <summary>Rejects a round schedule that does not parse, so the silo does not start with it.</summary>
internal sealed class RoundOptionsValidator : IValidateOptions<RoundOptions>
{
    public ValidateOptionsResult Validate(string? name, RoundOptions options)
    {
        var failures = new List<string>();
        if (!TimeSpan.TryParseExact(options.OpenTimeUtc, @"hh\:mm", CultureInfo.InvariantCulture, out _))
        {
            failures.Add(RoundOptions.InvalidOpenTimeMessage(options.OpenTimeUtc));
        }

        if (options.Period <= TimeSpan.Zero)
        {
            failures.Add($"The setting Rounds:Period is {options.Period}; set it to a positive time span, for example 1.00:00:00 for daily rounds.");
        }

        if (options.Duration <= TimeSpan.Zero)
        {
            failures.Add($"The setting Rounds:Duration is {options.Duration}; set it to a positive time span, for example 1.00:00:00.");
        }

        if (options.DataFolder.Length > 0 && !Directory.Exists(options.DataFolder))
        {
            failures.Add($"The setting Rounds:DataFolder is '{options.DataFolder}', which is not a folder; create it or leave the setting empty to open rounds by hand.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
