namespace ModelUploads.Bench.Reporting;

/// <summary>A target of the benchmarks and the figure measured against it.</summary>
/// <param name="Limit">What limits the figure, stated when the target is missed.</param>
public sealed record TargetResult(string Name, string Target, string Measured, bool Met, string? Limit = null);

/// <summary>One benchmark's part of docs/BENCHMARKS.md.</summary>
public sealed class ReportSection(string title)
{
    private readonly List<string> _lines = [];
    private readonly List<TargetResult> _targets = [];

    public string Title { get; } = title;

    public IReadOnlyList<string> Lines => _lines;

    public IReadOnlyList<TargetResult> Targets => _targets;

    public ReportSection Paragraph(string text)
    {
        _lines.Add(text);
        _lines.Add("");
        return this;
    }

    public ReportSection Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _lines.Add("| " + string.Join(" | ", header) + " |");
        _lines.Add("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var row in rows)
        {
            _lines.Add("| " + string.Join(" | ", row) + " |");
        }

        _lines.Add("");
        return this;
    }

    public ReportSection Target(TargetResult target)
    {
        _targets.Add(target);
        var verdict = target.Met ? "met" : "missed";
        var limit = target.Met || target.Limit is null ? "" : $" {target.Limit}";
        return Paragraph($"**{target.Name}:** {target.Measured}, target {target.Target}: {verdict}.{limit}");
    }
}
