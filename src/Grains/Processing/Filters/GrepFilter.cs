using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>Keeps or drops records by regular expressions on their fields (see <see cref="GrepFilterOptions"/>).</summary>
public sealed class GrepFilter : ILogFilter
{
    private readonly GrepRuleSet _rules;
    private readonly FieldMatcher _matcher;

    public GrepFilter(GrepFilterOptions options, PipelineMetrics? metrics)
    {
        Selector = options.Selector;
        _rules = options.Rules;
        _matcher = new FieldMatcher(GrepFilterOptions.TypeName, metrics);
    }

    public string Type => GrepFilterOptions.TypeName;

    public FilterSelector Selector { get; }

    public FilterVerdict Apply(LogEvent record) => _rules.Passes(record, _matcher) ? FilterVerdict.Keep : FilterVerdict.Drop;
}
