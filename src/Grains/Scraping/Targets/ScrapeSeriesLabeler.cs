using System.Text;
using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping.Exposition;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Scraping.Targets;

/// <summary>
/// Turns a series seen for the first time into its final labels, as Prometheus's scrape loop does:
/// the target's labels merged with the exposed ones (<c>honor_labels</c>, <c>exported_*</c>), then
/// <c>metric_relabel_configs</c>, then the label limits. The cold path of a scrape: it runs once per
/// series, not per sample. The outcome is a <see cref="RemoteWriteSeries"/>: the labels as UTF-8
/// protobuf bytes, the one copy a cached series keeps; the strings made here are garbage at once.
/// </summary>
internal sealed class ScrapeSeriesLabeler
{
    private const string ExportedPrefix = "exported_";

    private readonly LabelSet _targetLabels;
    private readonly bool _honorLabels;
    private readonly IReadOnlyList<RelabelRule> _rules;
    private readonly ExpositionLimits _limits;
    private readonly LabelSetBuilder _builder = new(32);
    private readonly List<Label> _conflicts = [];
    private RemoteWriteLabel[] _labels = new RemoteWriteLabel[32];

    public ScrapeSeriesLabeler(LabelSet targetLabels, bool honorLabels, IReadOnlyList<RelabelRule> rules, ExpositionLimits limits)
    {
        _targetLabels = targetLabels;
        _honorLabels = honorLabels;
        _rules = rules;
        _limits = limits;
    }

    /// <summary>
    /// The final labels of <paramref name="sample"/>'s series, sorted by name with <c>__name__</c>,
    /// or a default series when <c>metric_relabel_configs</c> dropped it.
    /// </summary>
    /// <exception cref="ExpositionException">A label limit is exceeded, or relabeling removed <c>__name__</c>: the scrape fails.</exception>
    public RemoteWriteSeries Build(in ExpositionSample sample)
    {
        var builder = _builder;
        builder.Reset();
        builder.Set(RelabelLabels.MetricName, sample.Name);
        var exposed = sample.Labels;
        for (var i = 0; i < exposed.Count; i++)
        {
            builder.Set(exposed.GetName(i), Encoding.UTF8.GetString(exposed.GetValueUtf8(i)));
        }

        MergeTargetLabels(exposed);
        if (_rules.Count > 0 && !Relabeler.Process(builder, _rules))
        {
            return default;
        }

        if (builder.Count == 0)
        {
            return default;
        }

        var name = builder.Get(RelabelLabels.MetricName);
        if (name.Length == 0)
        {
            throw Fail(ExpositionErrorKind.Syntax, "metric_relabel_configs removed the metric name (__name__) of a series", sample);
        }

        CheckLimits(name, sample);
        if (_labels.Length < builder.Count)
        {
            _labels = new RemoteWriteLabel[builder.Count * 2];
        }

        for (var i = 0; i < builder.Count; i++)
        {
            _labels[i] = new RemoteWriteLabel(builder.NameAt(i), builder.ValueAt(i));
        }

        var series = RemoteWriteSeries.From(_labels.AsSpan(0, builder.Count));
        _labels.AsSpan(0, builder.Count).Clear();
        return series;
    }

    private void MergeTargetLabels(ExpositionLabels exposed)
    {
        var builder = _builder;
        var target = _targetLabels.AsSpan();
        if (_honorLabels)
        {
            // The exposed label wins, even an empty one (which removes the label).
            foreach (var label in target)
            {
                if (!Has(exposed, label.Name))
                {
                    builder.Set(label.Name, label.Value);
                }
            }

            return;
        }

        _conflicts.Clear();
        foreach (var label in target)
        {
            var existing = builder.Get(label.Name);
            if (existing.Length > 0)
            {
                _conflicts.Add(new Label(label.Name, existing));
            }

            builder.Set(label.Name, label.Value);
        }

        if (_conflicts.Count == 0)
        {
            return;
        }

        // Shorter names first, so exported_a is taken by a before exported_exported_a could be.
        for (var i = 1; i < _conflicts.Count; i++)
        {
            var current = _conflicts[i];
            var j = i - 1;
            while (j >= 0 && _conflicts[j].Name.Length > current.Name.Length)
            {
                _conflicts[j + 1] = _conflicts[j];
                j--;
            }

            _conflicts[j + 1] = current;
        }

        foreach (var conflict in _conflicts)
        {
            var name = conflict.Name;
            while (true)
            {
                name = ExportedPrefix + name;
                if (builder.Get(name).Length == 0)
                {
                    builder.Set(name, conflict.Value);
                    break;
                }
            }
        }
    }

    private static bool Has(ExpositionLabels exposed, string name)
    {
        for (var i = 0; i < exposed.Count; i++)
        {
            if (string.Equals(exposed.GetName(i), name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // Prometheus checks the limits on the labels after metric relabeling, __name__ counted.
    private void CheckLimits(string metric, in ExpositionSample sample)
    {
        var builder = _builder;
        if (_limits.LabelLimit > 0 && builder.Count > _limits.LabelLimit)
        {
            throw Fail(
                ExpositionErrorKind.LabelLimit,
                $"label_limit exceeded (metric {Shorten(metric)} has {builder.Count} labels, __name__ included; limit {_limits.LabelLimit})",
                sample);
        }

        if (_limits.LabelNameLengthLimit <= 0 && _limits.LabelValueLengthLimit <= 0)
        {
            return;
        }

        for (var i = 0; i < builder.Count; i++)
        {
            var name = builder.NameAt(i);
            var nameBytes = Encoding.UTF8.GetByteCount(name);
            if (_limits.LabelNameLengthLimit > 0 && nameBytes > _limits.LabelNameLengthLimit)
            {
                throw Fail(
                    ExpositionErrorKind.LabelNameLengthLimit,
                    $"label_name_length_limit exceeded (metric {Shorten(metric)}, label name {Shorten(name)} is {nameBytes} bytes; limit {_limits.LabelNameLengthLimit})",
                    sample);
            }

            var valueBytes = Encoding.UTF8.GetByteCount(builder.ValueAt(i));
            if (_limits.LabelValueLengthLimit > 0 && valueBytes > _limits.LabelValueLengthLimit)
            {
                throw Fail(
                    ExpositionErrorKind.LabelValueLengthLimit,
                    $"label_value_length_limit exceeded (metric {Shorten(metric)}, label {Shorten(name)} has a value of {valueBytes} bytes; limit {_limits.LabelValueLengthLimit})",
                    sample);
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 50 ? text : string.Concat(text.AsSpan(0, 50), "…");

    private static ExpositionException Fail(ExpositionErrorKind kind, string reason, in ExpositionSample sample) =>
        new(new ExpositionError(kind, reason, sample.Line));
}
